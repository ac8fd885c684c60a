/**
 * The player key used in every `*_guid` column (docs/SCHEMA.md, "Keys"). Omni-bot guids are per slot
 * and repeat across rounds and servers (field lesson 8), so bots are keyed by their clean name; humans
 * whose client sent no guid likewise, under a prefix that can never collide with a real guid.
 */

/** The name without ET colour codes (`^` + any one character) and surrounding white space. */
export function cleanName(name: string): string {
  return name.replace(/\^[\s\S]/g, '').trim() || 'unnamed';
}

export function playerKey(p: { guid: string; name: string; isBot: boolean }): string {
  const guid = p.guid.trim();
  if (p.isBot || /^OMNIBOT/i.test(guid)) return `BOT:${cleanName(p.name)}`;
  if (guid === '') return `NOGUID:${cleanName(p.name)}`;
  // cl_guid is hex; normalise its case only, never touch anything else a client might send.
  return /^[0-9a-f]+$/i.test(guid) ? guid.toUpperCase() : guid;
}
