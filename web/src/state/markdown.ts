/**
 * Message markdown to safe HTML. Raw HTML in a message is shown as text, never parsed; links are
 * limited to http(s)/mailto; images may only come from the message's own files (`IO://<n>`, the
 * official client's convention: n indexes `involved_files`) or external `in://…`-style links are
 * shown as links, never loaded.
 */
import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: false, linkify: true, breaks: true });

const SAFE_LINK = /^(https?:|mailto:)/i;
const FILE_REF = /^IO:\/\/(\d+)$/i;

md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim()) || FILE_REF.test(url.trim());

/** What a rendered message needs from its files. */
export interface FileResolver {
  /** The URL to show for `involved_files[index]`, or null while unknown. */
  (index: number): string | null;
}

md.renderer.rules.image = (tokens, idx, _options, env) => {
  const token = tokens[idx];
  const src = String(token.attrGet("src") ?? "");
  const alt = md.utils.escapeHtml(String(token.content));
  const ref = FILE_REF.exec(src);
  if (ref === null) {
    return `<span class="ext-image">${alt || md.utils.escapeHtml(src)}</span>`;
  }
  const index = Number(ref[1]);
  const files = (env as { files?: FileResolver } | undefined)?.files;
  const url = files?.(index) ?? null;
  if (url === null) {
    return `<span class="image-loading" data-file-index="${index}">${alt || "…"}</span>`;
  }
  return `<img src="${md.utils.escapeHtml(url)}" alt="${alt}" data-file-index="${index}" loading="lazy">`;
};

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const ref = FILE_REF.exec(String(tokens[idx].attrGet("href") ?? ""));
  if (ref !== null) {
    // A file of the message: named here, fetched with its Download button.
    return `<a class="file-ref" data-file-index="${Number(ref[1])}">`;
  }
  tokens[idx].attrSet("target", "_blank");
  tokens[idx].attrSet("rel", "noopener noreferrer nofollow");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Render message markdown to HTML that is safe to insert. */
export function renderMarkdown(text: string, files?: FileResolver): string {
  return md.render(text, { files });
}

/** The file indexes a message's markdown refers to as images. */
export function imageRefs(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/!\[[^\]]*\]\(\s*IO:\/\/(\d+)\s*\)/gi)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}

/** The markdown of a message that shows the given files, after the text (the official form). */
export function withImages(text: string, images: readonly number[]): string {
  const refs = images.map((i) => `![image](IO://${i})`).join("\n");
  return text.trim() === "" ? refs : refs === "" ? text : `${text}\n\n${refs}`;
}
