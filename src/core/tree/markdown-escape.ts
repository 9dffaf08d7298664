/**
 * Makes text from a spec or a live system inert inside Markdown: every ASCII punctuation mark is
 * backslash-escaped (CommonMark allows that for all of them), which also stops bare URLs, `www.`
 * names and mail addresses from turning into links, and `&` becomes an entity so that nothing in
 * the text can spell one. Line breaks become spaces, so a value cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[!-%'-/:-@[-`{-~]/g, '\\$&')
    .replace(/&/g, '&amp;');
}
