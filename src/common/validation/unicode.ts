// With the u flag a well-formed surrogate pair is one code point: only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Characters no name or address a user types may hold, in any position:
 * controls (Cc), format characters (Cf: U+00AD, U+180E, U+200B-U+200F,
 * U+202A-U+202E, U+2060-U+2064, U+FEFF...), line and paragraph separators
 * (Zl, Zp), and the letters and marks that render as nothing (U+034F, U+115F,
 * U+1160, U+17B4, U+17B5, U+3164, U+FFA0). Without them, `dave@example.com`
 * and `dave@example.com` + U+200B would be two accounts that look like one,
 * and a name with U+202E would read backwards in a mail.
 */
// The combining marks stand outside the class: inside one, a mark would read as joined to the character before it.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115f\u1160\u3164\uffa0]|\u034f|\u17b4|\u17b5/u;

/** True for text JSON can carry but UTF-8 cannot: a lone UTF-16 surrogate. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

export function hasInvisibleCharacter(text: string): boolean {
  return INVISIBLE.test(text);
}

/**
 * The length MySQL gives a utf8mb4 string: its code points. JavaScript's
 * `length` counts UTF-16 units (an emoji is 2), and class-validator's
 * MaxLength leaves out variation selectors (U+FE0F), which MySQL counts:
 * 100 × `a` + U+FE0F passed MaxLength(100) and overflowed a VARCHAR(100).
 */
export function codePointLength(text: string): number {
  // Iterating a string yields its code points; a surrogate pair is one.
  return Array.from(text).length;
}
