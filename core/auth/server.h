/* The authoritative server's process: sockets, the event loop, TCP
 * connections (RFC 7766), zone transfers, signals, query log. */
#ifndef DNSIM_AUTH_SERVER_H
#define DNSIM_AUTH_SERVER_H

#include <stdbool.h>
#include <stdio.h>

#include "auth/answer.h"
#include "auth/rrl.h"
#include "auth/stats.h"
#include "conf/auth_conf.h"
#include "io/ev.h"
#include "io/tcpserver.h"

typedef struct auth_view {
	const auth_view_conf *conf;
	auth_zoneset zs;
} auth_view;

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
	bool running;
} auth_server;

/* Load every zone and bind every address; false (after logging why)
 * when a zone does not load or an address cannot be bound. */
bool auth_server_setup(auth_server *s, const auth_config *cfg);

/* Serve until SIGTERM or SIGINT. */
void auth_server_run(auth_server *s);

void auth_server_free(auth_server *s);

#endif
