/* dnsim-stub settings, from flags and an optional config file in the
 * syntax of conf/conffile.h:
 *
 *   listen ADDR[@PORT]           (default 127.0.0.53, as on Ubuntu)
 *   server ADDR[@PORT]...        the resolvers to forward to, in order
 *   timeout SECONDS              one try at one server (default 2)
 *   cache-entries N              answers kept at once; 0: no cache (default 4096)
 *   max-ttl SECONDS              max-negative-ttl SECONDS
 *   trace FILE|stderr            query-log FILE|stderr|off
 *   control PATH                 (a Unix socket: stats, dump, flush [NAME])
 *   identity NAME
 *   tcp-idle-timeout SECONDS     tcp-message-timeout SECONDS
 *   tcp-max-connections N        tcp-output-limit BYTES
 */
#ifndef DNSIM_CONF_STUB_CONF_H
#define DNSIM_CONF_STUB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conffile.h"
#include "io/addr.h"

/* Where the stub answers when told nothing else: systemd-resolved's
 * address, which resolv.conf names on Ubuntu. */
#define STUB_LISTEN_DEFAULT "127.0.0.53"
#define STUB_TCP_MAX_DEFAULT 64
#define STUB_SERVERS_MAX 16

typedef struct stub_config {
	net_addr *listen;
	size_t nlisten;
	net_addr *servers;
	size_t nservers;
	unsigned timeout_s;
	size_t cache_entries;
	uint32_t max_ttl, max_neg_ttl;
	char *trace;
	char *query_log;
	char *control;
	char *identity;
	conf_tcp tcp;
} stub_config;

void stub_config_init(stub_config *c);
void stub_config_free(stub_config *c);

/* One setting by keyword and its words (the config file and the flags
 * go through here alike).  false with a message in err. */
bool stub_config_set(stub_config *c, const char *key, char **words, size_t n,
		     char *err, size_t errsz);

/* Add the settings in `text` (len octets, the contents of the file
 * named `file`); errors as "FILE:LINE: message". */
bool stub_config_parse(stub_config *c, const char *file, const char *text,
		       size_t len, char *err, size_t errsz);

/* The settings as config-file text that stub_config_parse() reads back
 * into the same settings; malloc'd, or NULL with a message in err. */
char *stub_config_write(const stub_config *c, char *err, size_t errsz);

#endif
