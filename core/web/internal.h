/* What the web view's files share: the server's state, and the replies
 * of its endpoints (web.h lists them). */
#ifndef DNSIM_WEB_INTERNAL_H
#define DNSIM_WEB_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "web/hub.h"
#include "web/web.h"

typedef struct web_ctx {
	const web_config *c;
	char token[33];                 /* 128 random bits, in hex */
	char host_ip[32], host_name[32];  /* the Host headers we accept */
	char origin_ip[48], origin_name[48];
	hub *hub;
	pthread_mutex_t lock;           /* guards state_json */
	char *state_json;               /* the latest /api/state */
	pthread_mutex_t action;         /* one trace or lesson step at a time */
	volatile bool stopping;
} web_ctx;

typedef struct web_reply {
	unsigned status;
	const char *type;               /* Content-Type */
	char *body;                     /* malloc'd */
	size_t len;
} web_reply;

/* Replies: JSON, or an error as {"error": "..."} with its status. */
void reply_json(web_reply *r, char *body);
void reply_error(web_reply *r, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The endpoints; args are looked up by name through `arg`. */
typedef const char *(*web_arg_fn)(void *conn, const char *name);
void api_map(web_ctx *w, web_reply *r);
void api_state(web_ctx *w, web_reply *r);
void api_node(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r);
void api_trace(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r);
void api_tutorials(web_ctx *w, web_reply *r);
void api_step(web_ctx *w, web_arg_fn arg, void *conn, web_reply *r);

/* The watchers (watch.c): the event stream into the hub, and the nodes'
 * and links' states polled into state_json and the hub. */
bool watch_start(web_ctx *w, char *err, size_t errsz);
void watch_stop(web_ctx *w);

#endif
