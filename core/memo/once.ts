/** The value under `key`, computed once per map: work several callers would otherwise repeat. */
export function once<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = compute()));
  return value;
}
