/* dnsim-resolver settings, from flags and an optional config file in
 * the syntax of conf/conffile.h:
 *
 *   listen ADDR[@PORT]           root-hints FILE
 *   allow PREFIX...              (clients allowed to ask; others REFUSED)
 *   cache-size BYTES             max-ttl SECONDS       max-negative-ttl SECONDS
 *   qname-minimisation yes|no    prefetch yes|no
 *   block NAME...                (names and all below: NXDOMAIN)
 *   sinkhole ADDR                (blocked A/AAAA questions get this instead)
 *   trace FILE|stderr            query-log FILE|stderr|off
 *   control PATH                 (a Unix socket: stats, dump, flush [NAME])
 *   identity NAME
 *   tcp-idle-timeout SECONDS     tcp-message-timeout SECONDS
 *   tcp-max-connections N        tcp-output-limit BYTES
 *   trust-anchor FILE            (DS or DNSKEY records, master-file form;
 *                                repeatable; with one, answers are validated)
 *   negative-trust-anchor NAME...  (zones treated as unsigned, RFC 7646)
 *   dnssec-validation yes|no     (no: never validate, anchors or not)
 *   client-subnet yes|no         (EDNS Client Subnet, RFC 7871, sent to
 *                                authoritative servers; default no)
 *   client-subnet-ipv4-prefix N  (bits of a client's address sent: 24)
 *   client-subnet-ipv6-prefix N  (56)
 *   client-subnet-zone NAME...   (only the servers of these zones and those
 *                                below get ECS; none listed: every zone
 *                                below the TLDs, never the root's or a
 *                                TLD's servers; "." for every server)
 */
#ifndef DNSIM_CONF_RESOLVER_CONF_H
#define DNSIM_CONF_RESOLVER_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conffile.h"
#include "dns/name.h"
#include "io/addr.h"

#define RES_TCP_MAX_DEFAULT 256

typedef struct res_config {
	net_addr *listen;
	size_t nlisten;
	char *hints_file;
	net_prefix *allow;
	size_t nallow;
	size_t cache_bytes;
	uint32_t max_ttl, max_neg_ttl;
	bool qmin;
	bool prefetch;
	dns_name *block;
	size_t nblock;
	bool has_sinkhole4, has_sinkhole6;
	uint8_t sinkhole4[4], sinkhole6[16];
	char *trace;
	char *query_log;
	char *control;
	char *identity;
	conf_tcp tcp;
	/* DNSSEC: the trust-anchor files, the zones not to validate, and
	 * whether to validate at all (it takes an anchor as well). */
	char **trust_anchors;
	size_t ntrust_anchors;
	dns_name *nta;
	size_t nnta;
	bool validation;
	/* EDNS Client Subnet: on or off, the longest prefixes passed on,
	 * and the zones whose servers are told. */
	bool ecs;
	uint8_t ecs_v4, ecs_v6;
	dns_name *ecs_zones;
	size_t necs_zones;
} res_config;

bool res_config_init(res_config *c);
void res_config_free(res_config *c);

/* One setting by keyword and its words (the config file and the flags
 * go through here alike).  false with a message in err. */
bool res_config_set(res_config *c, const char *key, char **words, size_t n,
		    char *err, size_t errsz);

/* Add the settings in `text` (len octets, the contents of the file
 * named `file`); errors as "FILE:LINE: message". */
bool res_config_parse(res_config *c, const char *file, const char *text,
		      size_t len, char *err, size_t errsz);

/* The settings as config-file text that res_config_parse() reads back
 * into the same settings; malloc'd, or NULL with a message in err (a
 * value the syntax cannot carry, or out of memory). */
char *res_config_write(const res_config *c, char *err, size_t errsz);

#endif
