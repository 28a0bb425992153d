/** D-Bus names as systemd checks them. */

/** sd-bus's SD_BUS_MAXIMUM_NAME_LENGTH */
export const MAXIMUM_BUS_NAME_LENGTH = 255

const isLetter = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * sd-bus's service_name_is_valid(), which BusName= asks: dot-separated elements of ASCII letters,
 * digits, '_' and '-', at least two, none empty, none starting with a digit (but in a unique name,
 * ":1.42"), at most 255 characters in all.
 */
export function isValidBusName(name: string): boolean {
  if (name === '' || name.length > MAXIMUM_BUS_NAME_LENGTH) return false
  const unique = name.charCodeAt(0) === 0x3a
  let elementStart = true
  let dotted = false
  for (let i = unique ? 1 : 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x2e) {
      if (elementStart) return false
      dotted = elementStart = true
      continue
    }
    const good =
      isLetter(c) || c === 0x5f || c === 0x2d || (isDigit(c) && (!elementStart || unique))
    if (!good) return false
    elementStart = false
  }
  return dotted && !elementStart
}
