// Heading anchors of the repository's markdown, computed the way GitHub renders them, and the rewrite of a
// bare spec citation ("SPEC section N") into a link to its heading. Used by scripts/cite-spec.mjs and by
// scripts/test/references.test.mjs, so the fixer and the check agree on every anchor.

/** GitHub's heading slug: inline links reduced to their text, lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a markdown page offers: its headings (repeats numbered -1, -2, …) and explicit <a id>/<a name>. */
export function anchorsOf(markdown) {
  const anchors = new Set();
  const seen = new Map();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = headingSlug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const explicit of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(explicit[1]);
  }
  return anchors;
}

/** The spec's numbered sections ("## 4. HTTP API") by number: '4' → '4-http-api'. */
export function sectionAnchors(specMarkdown) {
  const sections = new Map();
  for (const match of specMarkdown.matchAll(/^##\s+(\d+)\.\s+(.*?)\s*$/gm)) {
    sections.set(match[1], headingSlug(`${match[1]}. ${match[2]}`));
  }
  return sections;
}

/** A bare citation of the spec by section number, in any of the forms the code used to write. */
export const BARE_CITATION = /SPEC\s+(?:sections?|§)\s*(\d+)(?:\s+and\s+(?:§\s*)?(\d+))?/g;

/**
 * Rewrites bare citations into links: `docs/spec.md#4-http-api` in code, `[spec §4](<specPath>#4-http-api)`
 * in markdown (specPath relative to the page). A section the spec does not have is left as it is.
 */
export function citeSpec(text, { sections, markdownSpecPath = null }) {
  const cite = (number) => {
    const anchor = sections.get(number);
    if (anchor === undefined) return null;
    return markdownSpecPath === null
      ? `docs/spec.md#${anchor}`
      : `[spec §${number}](${markdownSpecPath}#${anchor})`;
  };
  return text.replace(BARE_CITATION, (whole, first, second) => {
    const links = [first, second].filter((n) => n !== undefined).map(cite);
    if (links.includes(null)) return whole;
    return links.join(markdownSpecPath === null ? ', ' : ' and ');
  });
}
