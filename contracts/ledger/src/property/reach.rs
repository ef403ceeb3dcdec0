//! One way to reach each data-property rejection through the executor.
