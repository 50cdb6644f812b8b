/* Hex, base64 and base32hex, written for RDATA text forms. */
#include "encode.h"

static const char hex_digits[] = "0123456789ABCDEF";
static const char b64_digits[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32hex_digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

dns_err dns_hex_encode(const uint8_t *in, size_t n, char *out, size_t outsz,
		       size_t *outlen)
{
	if (outsz < n * 2 + 1)
		return DNS_E_NOSPACE;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[in[i] >> 4];
		out[2 * i + 1] = hex_digits[in[i] & 15];
	}
	out[n * 2] = '\0';
	if (outlen)
		*outlen = n * 2;
	return DNS_OK;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

dns_err dns_hex_decode(const char *in, size_t n, uint8_t *out, size_t outsz,
		       size_t *outlen)
{
	if (n % 2)
		return DNS_E_SYNTAX;
	if (n / 2 > outsz)
		return DNS_E_NOSPACE;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
		if (hi < 0 || lo < 0)
			return DNS_E_SYNTAX;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return DNS_OK;
}

dns_err dns_base64_encode(const uint8_t *in, size_t n, char *out,
			  size_t outsz, size_t *outlen)
{
	size_t need = (n + 2) / 3 * 4;
	if (outsz < need + 1)
		return DNS_E_NOSPACE;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64_digits[(v >> 18) & 63];
		out[o++] = b64_digits[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64_digits[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64_digits[v & 63] : '=';
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return DNS_OK;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

dns_err dns_base64_decode(const char *in, size_t n, uint8_t *out,
			  size_t outsz, size_t *outlen)
{
	if (n % 4)
		return DNS_E_SYNTAX;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			char c = in[i + k];
			if (c == '=') {
				/* Padding only in the last group, only at its end. */
				if (i + 4 != n || k < 2)
					return DNS_E_SYNTAX;
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad)
				return DNS_E_SYNTAX;
			v[k] = b64_value(c);
			if (v[k] < 0)
				return DNS_E_SYNTAX;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t bytes = 3 - (size_t)pad;
		if (o + bytes > outsz)
			return DNS_E_NOSPACE;
		out[o++] = (uint8_t)(w >> 16);
		if (bytes > 1)
			out[o++] = (uint8_t)(w >> 8);
		if (bytes > 2)
			out[o++] = (uint8_t)w;
	}
	*outlen = o;
	return DNS_OK;
}

dns_err dns_base32hex_encode(const uint8_t *in, size_t n, char *out,
			     size_t outsz, size_t *outlen)
{
	size_t need = (n * 8 + 4) / 5;
	if (outsz < need + 1)
		return DNS_E_NOSPACE;
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32hex_digits[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32hex_digits[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return DNS_OK;
}

static int b32hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	return -1;
}

dns_err dns_base32hex_decode(const char *in, size_t n, uint8_t *out,
			     size_t outsz, size_t *outlen)
{
	while (n > 0 && in[n - 1] == '=')
		n--;
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b32hex_value(in[i]);
		if (v < 0)
			return DNS_E_SYNTAX;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= outsz)
				return DNS_E_NOSPACE;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	/* Left-over bits must be zero padding, and fewer than a byte. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return DNS_E_SYNTAX;
	*outlen = o;
	return DNS_OK;
}
