// What the task pane shows when a request fails before xl-tools could answer, in Chinese: the same
// table as xl_tools/server/messages.py (tests/test_server_pane.py runs both on the same texts).
const MSG_NO_RESPONSE =
  "没有收到 xl-tools 服务器的回应：请检查网络连接后重试；如一直如此，请联系管理员" +
  "（服务器可能没有运行，或处理时间超过了等待上限）。";
const MSG_GATEWAY =
  "服务器前面的反向代理没有收到 xl-tools 的回应（HTTP {status}）：请稍后重试；如一直如此，" +
  "请管理员检查反向代理的超时设置（docs/服务器部署.md）。";
const MSG_TOO_LARGE =
  "工作簿数据超过了反向代理允许的大小（HTTP 413）：请删去不需要的工作表、空白行列后重试，" +
  "或请管理员调高代理的上传上限（docs/服务器部署.md）。";
const MSG_HTTP = "服务器返回了错误（HTTP {status}）：请稍后重试；如一直如此，请联系管理员。";
const STATUS_TEXTS = {
  "bad gateway": 502,
  "service unavailable": 503,
  "gateway timeout": 504,
  "gateway time-out": 504,
  "request entity too large": 413,
  "payload too large": 413,
  "content too large": 413,
};
const HTML_TAG = /<\s*(?:!doctype|html|head|body|title|h1|center|hr)\b/i;
const STATUS = /\b([45]\d\d)\b/;

function forStatus(status) {
  if (status === 413) return MSG_TOO_LARGE;
  if ([502, 503, 504].includes(status)) return MSG_GATEWAY.replace("{status}", status);
  return MSG_HTTP.replace("{status}", status ? status : "未知");
}

function unescapeHtml(text) {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

export function clientErrorText(raw) {
  const text = String(raw ?? "").trim();
  if (text === "No response received from server" || /^(?:timeout of \d+ms exceeded|Network Error)$/.test(text)) {
    return MSG_NO_RESPONSE;
  }
  const lowered = text.toLowerCase();
  if (lowered in STATUS_TEXTS) return forStatus(STATUS_TEXTS[lowered]);
  if (text === "Unknown server error") return forStatus(null);
  if (HTML_TAG.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text);
    const head = unescapeHtml((title ? title[1] : text).replace(/<[^>]+>/g, " "));
    const status = STATUS.exec(head);
    if (status === null) {
      const named = Object.keys(STATUS_TEXTS).find((name) => head.toLowerCase().includes(name));
      return forStatus(named ? STATUS_TEXTS[named] : null);
    }
    return forStatus(Number(status[1]));
  }
  return text;
}
