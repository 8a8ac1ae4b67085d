import YAML from 'yaml';

/**
 * A Markdown file split into its front matter (the YAML block between `---` lines at the top,
 * as the Hugging Face Hub parses it) and its text. Front matter that is not a YAML mapping is
 * treated as absent.
 */
export function splitFrontMatter(text: string): { frontMatter: Record<string, unknown>; body: string } {
  const match = /^\s*---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
  if (!match?.[1]) return { frontMatter: {}, body: text };
  const body = text.slice(match[0].length);
  try {
    const data = YAML.parse(match[1]) as unknown;
    const frontMatter = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
    return { frontMatter, body };
  } catch {
    return { frontMatter: {}, body };
  }
}
