// Live updates: the explorer's own /events relays the ledger's new blocks and events as
// Server-Sent Events. Same origin only; nothing here talks to another host.
"use strict";
// A shortened hash copies its full text on click.
document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!target || !navigator.clipboard) return;
  navigator.clipboard.writeText(target.dataset.copy).catch(() => {});
});
(function () {
  const blocks = document.querySelector("#latest-blocks tbody");
  const feed = document.getElementById("live-events");
  const tip = document.getElementById("tip-height");
  if (!blocks && !feed) return;
  const keep = 10;
  const cell = (row, text, href) => {
    const td = row.insertCell();
    if (href) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text;
    }
    return td;
  };
  const trim = (list, selector) => {
    const items = list.querySelectorAll(selector);
    for (let i = keep; i < items.length; i++) items[i].remove();
  };
  const source = new EventSource("/events");
  source.addEventListener("block", (message) => {
    const block = JSON.parse(message.data);
    if (tip) tip.textContent = String(block.height);
    if (!blocks || blocks.querySelector(`tr[data-height="${block.height}"]`)) return;
    const row = blocks.insertRow(0);
    row.dataset.height = String(block.height);
    row.className = "fresh";
    cell(row, String(block.height), `/blocks/${block.height}`);
    cell(row, block.time_text);
    cell(row, String(block.tx_count));
    cell(row, block.proposer_text);
    cell(row, String(block.signatures));
    trim(blocks, "tr");
  });
  source.addEventListener("ledger", (message) => {
    if (!feed) return;
    const event = JSON.parse(message.data);
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = `/txs/${event.tx_hash}`;
    link.textContent = `${event.height}-${event.tx_index}`;
    item.appendChild(link);
    item.appendChild(document.createTextNode(` ${event.label} `));
    const details = (event.details || []).map((pair) => `${pair[0]}：${pair[1]}`).join(" ");
    item.appendChild(document.createTextNode(details));
    const waiting = feed.querySelector(".waiting");
    if (waiting) waiting.remove();
    feed.insertBefore(item, feed.firstChild);
    trim(feed, "li");
  });
  source.onerror = () => {
    // EventSource reconnects by itself, after its Last-Event-ID.
  };
})();
