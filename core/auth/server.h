/* The authoritative server's process: sockets, the event loop, TCP
 * connections (RFC 7766), zone transfers, signals, query log. */
#ifndef DNSIM_AUTH_SERVER_H
#define DNSIM_AUTH_SERVER_H

#include <stdbool.h>
#include <stdio.h>

#include "auth/alias.h"
#include "auth/answer.h"
#include "auth/routing.h"
#include "auth/rrl.h"
#include "auth/stats.h"
#include "auth/xfrin.h"
#include "conf/auth_conf.h"
#include "dns/ixfr.h"
#include "dnssec/tsig.h"
#include "io/ev.h"
#include "io/tcpserver.h"

/* What the event loop's epoll events point to, besides the TCP server's. */
enum { EV_UDP = EV_KIND_OWN, EV_SIGNAL, EV_XFR_DONE, EV_NOTIFY, EV_ALIAS };

typedef struct auth_view {
	const auth_view_conf *conf;
	auth_zoneset zs;
} auth_view;

/* One zone of one view, and what outlives its reloads: the journal of
 * its changes (IXFR), and for a secondary its timers and transfer. */
typedef struct auth_slot {
	size_t view, index;          /* views[view].zs.zones[index] */
	const auth_zone_conf *conf;
	char name[DNS_NAME_MAXTEXT + 80];  /* "example.com." or "example.com. (view inside)" */
	dns_journal journal;
	bool secondary;
	uint64_t next_check_ms;      /* secondary: next SOA check; 0: none due */
	uint64_t expire_at_ms;       /* secondary with data: when it expires */
	unsigned failures;           /* refreshes failed in a row */
	bool axfr_only;              /* the last IXFR did not apply */
	bool notified;               /* a NOTIFY came while a transfer ran */
	xfrin_job *job;              /* the transfer running, or NULL */
} auth_slot;

/* A NOTIFY sent and not yet answered (RFC 1996 3.6: retried). */
typedef struct notify_out {
	bool used;
	size_t slot;
	net_addr to;
	const tsig_key *key;
	uint16_t id;
	unsigned tries;
	uint64_t next_ms;
	uint32_t serial;
} notify_out;

#define NOTIFY_PENDING_MAX 256

struct udp_batch;

typedef struct auth_server {
	const auth_config *cfg;
	auth_view *views;
	size_t nviews;
	auth_answerer ans;
	auth_stats stats;
	int epfd;
	int sigfd;
	int *socks;            /* UDP sockets */
	ev_tag *tags;          /* what epoll events point to: [0] signals */
	ev_tag *signal_tag;
	size_t nsocks;
	tcpserver tcp;         /* the TCP listeners and their connections */
	FILE *qlog;
	struct udp_batch *batch;
	struct anscache *cache;   /* answers kept for identical UDP queries */
	rrl rrl;
	routing routing;             /* routing policies and their health checks */
	bool running;

	tsig_key *keys;              /* the config's TSIG keys */
	size_t nkeys;
	auth_slot *slots;
	size_t nslots;
	int wake_fd;                 /* transfers done (eventfd) */
	ev_tag *wake_tag;
	int notify_fd[2];            /* NOTIFY out: IPv4, IPv6 */
	ev_tag *notify_tag;
	notify_out *notifies;        /* NOTIFY_PENDING_MAX, made at the first NOTIFY */
	bool has_alias;              /* ALIAS targets resolved (alias-resolver) */
	alias_res alias;
} auth_server;

/* ---- zonectl.c: the zones' life beyond answering ------------------------ */

/* Slots for every zone, keys, the sockets and eventfd; the secondaries'
 * first refresh due now.  false (after logging why) on a bad key or
 * name. */
bool zonectl_setup(auth_server *s);
void zonectl_free(auth_server *s);

/* The key of that name, or NULL. */
const tsig_key *zonectl_key(const auth_server *s, const char *name);

/* The slot of a served zone. */
auth_slot *zonectl_slot(auth_server *s, const auth_zone *z);

/* Timers: start due refreshes, expire zones, resend NOTIFYs.  Returns
 * the milliseconds until the next thing is due (-1: nothing). */
int zonectl_tick(auth_server *s, uint64_t now_ms);

/* Transfers finished (the eventfd woke the loop). */
void zonectl_transfers_done(auth_server *s, uint64_t now_ms);

/* NOTIFY answers arrived on a socket. */
void zonectl_notify_answers(auth_server *s, int fd);

/* A new version of a slot's zone (*zd moved in): journaled, swapped in,
 * written to its file, NOTIFY sent.  false (logged) when it does not
 * index. */
bool zonectl_new_version(auth_server *s, auth_slot *slot, struct dns_zonedata *zd,
			 const char *why, uint64_t now_ms);

/* A NOTIFY for a zone of ours from `peer` (signed with `key`, or NULL):
 * the rcode to answer. */
unsigned zonectl_notify_in(auth_server *s, auth_slot *slot, const struct sockaddr *peer,
			   const tsig_key *key, uint64_t now_ms);

/* SIGHUP: primaries load their files again (changes journaled and
 * notified), secondaries check their primaries. */
void zonectl_reload(auth_server *s, uint64_t now_ms);

/* Load every zone and bind every address; false (after logging why)
 * when a zone does not load or an address cannot be bound. */
bool auth_server_setup(auth_server *s, const auth_config *cfg);

/* Serve until SIGTERM or SIGINT. */
void auth_server_run(auth_server *s);

void auth_server_free(auth_server *s);

#endif
