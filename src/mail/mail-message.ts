/** A message as the service composes it: one recipient, a subject, and a plain-text and an HTML part. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

export interface MailContent {
  to: string;
  subject: string;
  /** Paragraphs of plain text; anything in them that came from a user is escaped in the HTML part. */
  paragraphs: string[];
  /** A link to open, shown as a button in HTML and as the bare URL in text. */
  link?: { url: string; label: string };
}

/**
 * The text and HTML parts of a message from the same paragraphs. Whatever
 * came from a user (an address) is escaped in HTML; nothing from input goes
 * into a header but the recipient, an address validated before it was stored.
 */
export function composeMail(content: MailContent): MailMessage {
  const textParts = [...content.paragraphs];
  const htmlParts = content.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`);
  if (content.link) {
    textParts.push(`${content.link.label}: ${content.link.url}`);
    const href = escapeHtml(content.link.url);
    htmlParts.push(`<p><a href="${href}">${escapeHtml(content.link.label)}</a></p>`, `<p>${href}</p>`);
  }
  return {
    to: content.to,
    subject: content.subject,
    text: `${textParts.join('\n\n')}\n`,
    html: `<!doctype html><html><body>${htmlParts.join('')}</body></html>`,
  };
}
