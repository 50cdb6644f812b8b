/* `sim web`: the running sim in a browser.  A small HTTP server (GNU
 * libmicrohttpd) on 127.0.0.1 only, serving the page (web/ beside the
 * program: HTML, JavaScript and CSS written by hand, nothing fetched from
 * elsewhere) and what it shows, all read from the same model and the
 * same event stream as the command line:
 *
 *   GET  /                       the page (with ?token=: sets the cookie)
 *   GET  /app.js, /app.css       its script and style
 *   GET  /api/map                the map: networks and nodes (draw/json.h)
 *   GET  /api/state              each server's state (the monitor's), each
 *                                link up or down
 *   GET  /api/events             Server-Sent Events: "dns" (the stream's
 *                                events, stream/event.h), "state" (a node
 *                                or link that changed), "dropped"
 *   GET  /api/node?name=N        zones, counters (`sim stats`), cache
 *                                (`sim cache N dump`), recent messages
 *   POST /api/trace?name=&type=&from=   `sim trace --cold --json`
 *   GET  /api/tutorials          the shipped lessons, step by step
 *   POST /api/step?lesson=N&step=K     run one step, its output and verdict
 *
 * Every request must carry the token printed with the address (in the
 * query, or the cookie the page gets) and a Host header naming the
 * loopback address and port (DNS rebinding); anything else gets 403.
 * Nothing runs but the verbs above, with arguments checked against the
 * sim (node names, domain names, record types, lesson steps). */
#ifndef DNSIM_WEB_WEB_H
#define DNSIM_WEB_WEB_H

#include <signal.h>
#include <stdio.h>

#include "topo/topo.h"

typedef struct web_config {
	const char *sim;
	const topo *t;            /* the topology the sim was built from */
	const char *assets;       /* the folder of index.html, app.js, app.css */
	const char *tutorials;    /* the lessons' folder */
	unsigned port;
	FILE *out;                /* where the address is printed */
} web_config;

/* Serve until *stop is set or the sim goes down; 0, or 1 after a
 * message on stderr. */
int web_run(const web_config *c, volatile sig_atomic_t *stop);

#endif
