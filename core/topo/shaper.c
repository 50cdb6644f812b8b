/* The per-frame decisions of an impaired link's direction. */
#include "topo/shaper.h"

#include <string.h>

/* splitmix64: spreads a seed over all 64 bits. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t shaper_seed(uint64_t sim_seed, const char *link, unsigned direction)
{
	/* FNV-1a of the name, then mixed with the seed and direction. */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *p = link; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	return mix(mix(sim_seed) ^ h ^ ((uint64_t)direction << 56));
}

uint64_t shaper_random(shaper *s)
{
	/* xorshift64*: small, fast, and good enough for loss and jitter. */
	uint64_t x = s->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void shaper_init(shaper *s, const topo_impair *im, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->im = *im;
	s->rng = mix(seed);
	if (s->rng == 0)
		s->rng = 0x9e3779b97f4a7c15ULL;
}

void shaper_update(shaper *s, const topo_impair *im)
{
	s->im = *im;
}

shaper_verdict shaper_admit(shaper *s, uint64_t now_ns, size_t len, uint64_t *due_ns)
{
	const topo_impair *im = &s->im;
	if (im->loss_ppm) {
		/* Lost when a uniform draw in [0, 2^32) falls under ppm/10^6
		 * of that range (so 100% loses every frame). */
		uint64_t draw = shaper_random(s) >> 32;
		if (draw * 1000000u < (uint64_t)im->loss_ppm << 32) {
			s->lost++;
			return SHAPER_LOST;
		}
	}
	if (s->queued >= SHAPER_QUEUE_FRAMES || s->queued_bytes + len > SHAPER_QUEUE_BYTES) {
		s->full++;
		return SHAPER_FULL;
	}
	uint64_t t = now_ns;
	if (im->rate_bps) {
		/* Serialized after the frames before it: the wire is free
		 * at busy_until, and this frame holds it len*8/rate. */
		if (s->busy_until_ns > t)
			t = s->busy_until_ns;
		t += (uint64_t)len * 8000000000ULL / im->rate_bps;
		s->busy_until_ns = t;
	}
	t += im->delay_us * 1000;
	if (im->jitter_us) {
		uint64_t span = 2 * im->jitter_us * 1000 + 1;
		uint64_t off = shaper_random(s) % span;
		uint64_t j = im->jitter_us * 1000;
		/* Never before it came (the model keeps jitter <= delay, but
		 * a delay lowered at run time may leave less room). */
		t = off >= j ? t + (off - j) : (t - now_ns > j - off ? t - (j - off) : now_ns);
	}
	s->queued++;
	s->queued_bytes += len;
	s->passed++;
	*due_ns = t;
	return SHAPER_SEND;
}

void shaper_left(shaper *s, size_t len)
{
	if (s->queued)
		s->queued--;
	s->queued_bytes = s->queued_bytes >= len ? s->queued_bytes - len : 0;
}

bool shaper_is_neighbour_discovery(const uint8_t *frame, size_t len)
{
	enum { ETH = 14, IP6 = 40 };
	if (len < ETH)
		return false;
	size_t at = 12;
	uint16_t type = (uint16_t)(frame[at] << 8 | frame[at + 1]);
	if (type == 0x8100 && len >= ETH + 4) {      /* one VLAN tag */
		at += 4;
		type = (uint16_t)(frame[at] << 8 | frame[at + 1]);
	}
	at += 2;
	if (type == 0x0806)
		return true;                          /* ARP */
	if (type != 0x86dd || len < at + IP6 + 1)
		return false;
	/* ICMPv6 right after the fixed header (neighbour discovery carries
	 * no extension headers: RFC 4861 sends it with hop limit 255 and
	 * nothing between). */
	if (frame[at + 6] != 58)
		return false;
	uint8_t icmp = frame[at + IP6];
	return icmp >= 133 && icmp <= 137;
}
