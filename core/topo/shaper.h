/* What one direction of an impaired link does to each frame, decided
 * when the frame arrives: lost (a seeded random draw), refused (the
 * queue is full), or sent at a departure time -- after the frames before
 * it have been serialized at the link's rate, plus the delay and a
 * jitter drawn uniformly in [-jitter, +jitter] (as netem does without a
 * distribution table; frames may then overtake each other, as in netem).
 * Pure: the caller owns the clock and the timer queue, so the same seed
 * and the same arrivals always give the same verdicts. */
#ifndef DNSIM_TOPO_SHAPER_H
#define DNSIM_TOPO_SHAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo/topo.h"

/* netem's default queue limit, in frames; and a cap on the bytes held
 * (frames handed over with segmentation offload can be 64 KB each). */
#define SHAPER_QUEUE_FRAMES 1000u
#define SHAPER_QUEUE_BYTES (8u << 20)

typedef struct shaper {
	topo_impair im;
	uint64_t rng;              /* xorshift64* state, never 0 */
	uint64_t busy_until_ns;    /* the wire is serializing until then (rate) */
	uint32_t queued;           /* frames admitted, not yet left */
	uint64_t queued_bytes;
	uint64_t passed, lost, full;
} shaper;

typedef enum shaper_verdict {
	SHAPER_SEND,               /* at *due_ns */
	SHAPER_LOST,               /* the loss draw */
	SHAPER_FULL,               /* the queue holds too much already */
} shaper_verdict;

/* A seed for one direction of one link: the sim's seed mixed with the
 * link's name and the direction, so that every direction draws its own
 * reproducible sequence. */
uint64_t shaper_seed(uint64_t sim_seed, const char *link, unsigned direction);

void shaper_init(shaper *s, const topo_impair *im, uint64_t seed);
/* New values, at run time: the random sequence and the frames queued
 * stay as they are. */
void shaper_update(shaper *s, const topo_impair *im);

/* A frame of `len` octets arriving at now_ns. */
shaper_verdict shaper_admit(shaper *s, uint64_t now_ns, size_t len, uint64_t *due_ns);

/* A frame admitted earlier has left (sent or given up). */
void shaper_left(shaper *s, size_t len);

/* The next number of the direction's random sequence. */
uint64_t shaper_random(shaper *s);

/* Is this Ethernet frame address resolution on the link itself -- ARP,
 * or IPv6 neighbour discovery (ICMPv6 router/neighbour solicitations and
 * advertisements, redirects)?  Those pass unshaped: the distance a link
 * stands for is between the networks it joins, and a real segment
 * resolves its neighbours in microseconds, so a first packet must not
 * pay a second round trip for it. */
bool shaper_is_neighbour_discovery(const uint8_t *frame, size_t len);

#endif
