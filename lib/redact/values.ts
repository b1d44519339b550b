// Exact secret values (from secret-looking env vars): each value and its common encodings, so a
// token is caught inside base64 (Basic auth, "user:token"), URLs and JSON strings too.
import { MARKER_SOURCE, marker } from './marker.js';
import type { Rule } from './rules.js';

/** Encoded fragments shorter than this would match random text. */
const MIN_ENCODED_LENGTH = 6;

/** Base64 of the value as it appears at each byte alignment inside a longer base64 string. */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out = [bytes.toString('base64')];
  for (const shift of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Keep only the characters whose 6 bits come entirely from the value's bytes.
    const first = [0, 2, 3][shift] as number;
    const last = Math.floor(((shift + bytes.length) * 8) / 6);
    out.push(b64.slice(first, last));
  }
  return out;
}

export function variants(value: string): string[] {
  const out = new Set<string>();
  const encoded = new Set<string>();
  for (const v of [value, value.trim()]) {
    if (v === '') continue;
    out.add(v);
    encoded.add(JSON.stringify(v).slice(1, -1));
    try {
      encoded.add(encodeURIComponent(v));
    } catch {
      // lone surrogate: no URI form
    }
    for (const b of base64Fragments(v)) {
      encoded.add(b);
      encoded.add(b.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    }
  }
  for (const e of encoded) if (e.length >= MIN_ENCODED_LENGTH) out.add(e);
  return [...out];
}

/** [start, end) of every marker already in the text, in order. */
function markerSpans(text: string): [number, number][] {
  const out: [number, number][] = [];
  const re = new RegExp(MARKER_SOURCE, 'y');
  for (let i = text.indexOf('[REDACTED:'); i !== -1; i = text.indexOf('[REDACTED:', i + 1)) {
    re.lastIndex = i;
    if (re.test(text)) out.push([i, re.lastIndex]);
  }
  return out;
}

export function valuesRule(values: readonly string[]): Rule {
  const all = [...new Set(values.flatMap((v) => variants(v)))];
  return {
    id: 'env',
    apply(text) {
      // Union of every occurrence of every variant: overlapping secrets are masked as one span,
      // where replacing one after another would leave the tail of the second visible.
      const spans: [number, number][] = [];
      let variantsFound = 0;
      for (const v of all) {
        const before = spans.length;
        for (let start = text.indexOf(v); start !== -1; ) {
          // Jump to the last occurrence overlapping this one: stepping one character at a time
          // would make inputs like "aaaa..." produce a span per character.
          let last = start;
          for (let j = text.lastIndexOf(v, last + v.length - 1); j > last; j = text.lastIndexOf(v, last + v.length - 1)) last = j;
          spans.push([start, last + v.length]);
          start = text.indexOf(v, last + v.length);
        }
        if (spans.length > before) variantsFound++;
      }
      if (spans.length === 0) return text;
      if (variantsFound > 1) spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      const markers = text.includes('[REDACTED:') ? markerSpans(text) : [];
      // Spans and markers are both sorted, so one forward pointer finds the marker that could overlap.
      let mi = 0;
      const inMarker = (s: number, e: number): boolean => {
        while (mi < markers.length && (markers[mi] as [number, number])[1] <= s) mi++;
        const m = markers[mi];
        return m !== undefined && m[0] < e;
      };
      const parts: string[] = [];
      let pos = 0;
      let cur: [number, number] | undefined;
      const flush = (): void => {
        if (!cur) return;
        parts.push(text.slice(pos, cur[0]), marker('env'));
        pos = cur[1];
      };
      for (const [s, e] of spans) {
        if (inMarker(s, e)) continue;
        if (cur && s <= cur[1]) cur[1] = Math.max(cur[1], e);
        else {
          flush();
          cur = [s, e];
        }
      }
      flush();
      parts.push(text.slice(pos));
      return parts.join('');
    },
  };
}
