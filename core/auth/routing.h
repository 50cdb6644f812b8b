/* Routing policies in the running server: the policies of the config
 * (auth/policy.h chooses), their health checks run from the event loop
 * (non-blocking TCP connects and HTTP GETs, never in the way of an
 * answer), the signatures of policy answers in signed zones (made
 * online with the zone's key, kept until they near expiry), and the
 * hook through which the answerer asks for a name's answer.  SIGHUP
 * reads the config file's policies again; a file that does not read
 * leaves the previous ones in place. */
#ifndef DNSIM_AUTH_ROUTING_H
#define DNSIM_AUTH_ROUTING_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/answer.h"
#include "auth/policy.h"
#include "conf/auth_conf.h"
#include "dnssec/key.h"
#include "io/ev.h"

/* What the event loop's epoll events point to, for a health check. */
#define EV_HEALTH (EV_KIND_OWN + 8)

struct routing_check;
struct routing_sig;

typedef struct routing_key {
	dns_name origin;
	dnssec_key key;
} routing_key;

typedef struct routing {
	int epfd;
	const auth_config *cfg;     /* the policies' config: the server's, or... */
	auth_config *owned;         /* ...one read again at a reload (freed here) */
	policy_table tab;
	struct routing_check *checks;
	size_t nchecks;
	routing_key *keys;
	size_t nkeys;
	struct routing_sig *sigs;   /* signatures made, by answer set */
	uint32_t rng;

	/* The query being answered: set by the server before auth_answer. */
	const struct sockaddr *peer;
	policy_client ecs;          /* the query's ECS option, if any */
	bool has_ecs;
	unsigned scope;             /* SCOPE PREFIX-LENGTH of this answer */
	dns_rr rr[POLICY_MULTI_MAX > 64 ? POLICY_MULTI_MAX : 64];
	dns_rr sig;
	uint8_t sig_rdata[600];
} routing;

/* The policies of cfg, their keys loaded, their checks due now.  false
 * (logged) when a key file does not load. */
bool routing_setup(routing *r, const auth_config *cfg, int epfd);
void routing_free(routing *r);

/* The hook the answerer calls (auth/answer.h). */
auth_policy_hook routing_hook(routing *r);

/* Start the checks that are due, end those out of time.  Returns the
 * milliseconds until the next is due (-1: no checks). */
int routing_tick(routing *r, uint64_t now_ms);

/* An epoll event on a check's socket. */
void routing_event(routing *r, ev_tag *tag, uint32_t events, uint64_t now_ms);

/* SIGHUP: the policies, regions and keys of `path` in place of the
 * current ones; when it does not read, why is logged (FILE:LINE) and
 * the current ones stay.  true when they were replaced. */
bool routing_reload(routing *r, const char *path, uint64_t now_ms);

#endif
