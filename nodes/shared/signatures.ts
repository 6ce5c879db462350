import { createHmac, hash, timingSafeEqual } from 'crypto';

/** The digest an expected secret is compared by (see `secretMatches`), computed once per credential. */
export function secretDigest(expected: string): Buffer {
	return hash('sha256', expected, 'buffer');
}

/**
 * Compares a received string with an expected secret in constant time. Both sides are hashed
 * (the expected one once, by `secretDigest`) so that neither the content nor the length of the
 * expected value leaks through timing.
 */
export function secretMatches(received: string, expectedDigest: Buffer): boolean {
	return timingSafeEqual(hash('sha256', received, 'buffer'), expectedDigest);
}

/** Compares two byte strings of any length in constant time for equal lengths. */
export function bytesEqual(received: Buffer, expected: Buffer): boolean {
	return received.length === expected.length && timingSafeEqual(received, expected);
}

/** HMAC-SHA256 of the given parts, in order. */
export function hmacSha256(key: Buffer | string, ...parts: Array<Buffer | string>): Buffer {
	const hmac = createHmac('sha256', key);
	for (const part of parts) hmac.update(part);
	return hmac.digest();
}

/** Decodes strict base64 (standard alphabet, padding optional); undefined when it is not base64. */
export function decodeBase64(value: string): Buffer | undefined {
	if (value.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
	const bytes = Buffer.from(value, 'base64');
	return bytes.length === 0 ? undefined : bytes;
}
