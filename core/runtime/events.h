/* The event stream of a running sim, as it happens: every server's log
 * (/run/dnsim/SIM/logs/NODE.log, where the query logs go) and every
 * resolver's trace (/run/dnsim/SIM/nodes/NODE/trace.jsonl) followed with
 * inotify from where they end when it starts, their new lines turned
 * into events by stream/reader.h, each address named after its node
 * (the sim's node list, read again when it changes).  A server node
 * running another program (NSD, Unbound, ...) writes neither: its
 * packets are watched instead (runtime/capture.h), and a message whose
 * other end is one of our servers is left to that server's own file,
 * so that none is told twice.
 *
 * Watching never slows the servers: they write their files as they
 * always do, and a file that grows faster than it is read is skipped
 * ahead (its events are lost to the watcher, counted in `skipped`). */
#ifndef DNSIM_RUNTIME_EVENTS_H
#define DNSIM_RUNTIME_EVENTS_H

#include <stddef.h>

#include "stream/event.h"

typedef struct events events;

typedef void (*events_fn)(void *ctx, const sim_event *e);

/* Start following sim's files; NULL with a message in err. */
events *events_open(const char *sim, char *err, size_t errsz);

/* A descriptor that becomes readable when a file was written. */
int events_fd(const events *ev);

/* Read what the files gained since the last call and hand each event to
 * fn, in the order of each file (files are not ordered among each
 * other).  Returns the number of events. */
size_t events_read(events *ev, events_fn fn, void *ctx);

/* Octets of the files skipped because they grew faster than they were
 * read, since events_open. */
unsigned long long events_skipped(const events *ev);

void events_close(events *ev);

#endif
