/* What an epoll event points to.  Every object a daemon watches starts
 * with an ev_tag, so the event loop can tell from the pointer alone what
 * woke it and hand the event to the code that owns the object. */
#ifndef DNSIM_IO_EV_H
#define DNSIM_IO_EV_H

/* The kinds io itself uses (the TCP server's, io/tcpserver.h) are fixed
 * here so that every daemon can pass them on; a daemon numbers its own
 * kinds from EV_KIND_OWN. */
enum {
	EV_TCP_LISTEN = 1,      /* a tcpserver's listening socket */
	EV_TCP_CONN,            /* one of its connections */
	EV_KIND_OWN = 16,
};

typedef struct ev_tag {
	int kind;
	int fd;
} ev_tag;

#endif
