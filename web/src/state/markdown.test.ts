import { describe, expect, it } from "vitest";
import { imageRefs, renderMarkdown, withImages } from "./markdown";

describe("renderMarkdown", () => {
  it("shows raw HTML as text", () => {
    const html = renderMarkdown('<img src=x onerror="alert(1)"><script>alert(2)</script>');
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;");
  });

  it("refuses script links", () => {
    const html = renderMarkdown("[click](javascript:alert(1))");
    expect(html).not.toContain("href");
    expect(html).not.toContain('href="javascript');
  });

  it("renders emphasis and safe links", () => {
    const html = renderMarkdown("**bold** [site](https://example.org)");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('href="https://example.org"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
  });

  it("resolves IO://n images to the message's files and loads no other image", () => {
    const html = renderMarkdown("![a](IO://1) ![b](https://evil.example/x.png)", (i) =>
      i === 1 ? "blob:abc" : null,
    );
    expect(html).toContain('<img src="blob:abc" alt="a" data-file-index="1"');
    expect(html).not.toContain("evil.example/x.png\"");
    expect(html.match(/<img/g)?.length).toBe(1);
  });

  it("finds and writes image references", () => {
    expect(imageRefs("hi ![x](IO://2)\n![y](io://0)")).toEqual([0, 2]);
    expect(withImages("hello", [0])).toBe("hello\n\n![image](IO://0)");
    expect(withImages("", [0, 1])).toBe("![image](IO://0)\n![image](IO://1)");
  });
});
