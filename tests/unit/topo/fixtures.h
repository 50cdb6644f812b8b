/* What the topology model's unit tests share: small topologies, and a
 * file reader that serves files from a table in memory (the model reads
 * every file through the reader it is given, so no test touches the
 * disk). */
#ifndef DNSIM_TESTS_TOPO_FIXTURES_H
#define DNSIM_TESTS_TOPO_FIXTURES_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rrtype.h"
#include "topo/model.h"

/* Three networks joined by two routers, a host with client settings, a
 * server beyond both routers and a node on an island nobody reaches. */
static const char chain[] __attribute__((unused)) =
	"[sim]\nname = \"u\"\n"
	"[network.a]\nipv4 = \"198.51.100.0/24\"\n"
	"[network.b]\nipv4 = \"198.18.0.0/24\"\nipv6 = \"2001:db8:1::/64\"\n"
	"[network.c]\nipv4 = \"203.0.113.0/24\"\nipv6 = \"2001:db8:2::/64\"\n"
	"[network.island]\nipv4 = \"192.0.2.0/24\"\n"
	"[node.r1]\nrouter = true\naddresses = { a = \"198.51.100.1\", b = [\"198.18.0.1\", \"2001:db8:1::1\"] }\n"
	"[node.r2]\nrouter = true\naddresses = { b = [\"198.18.0.2\", \"2001:db8:1::2\"], c = [\"203.0.113.1\", \"2001:db8:2::1\"] }\n"
	"[node.host]\naddresses = { a = \"198.51.100.7\" }\n"
	"[node.host.client]\nsearch = [\"example.com\"]\ntimeout = 3\nhosts = { \"x.example\" = \"192.0.2.9\" }\n"
	"[node.srv]\naddresses = { c = [\"203.0.113.9\", \"2001:db8:2::9\"] }\n"
	"[node.lonely]\naddresses = { island = \"192.0.2.5\" }\n";

static inline void load(topo *t, const char *text, char *err, size_t errsz, bool *ok)
{
	*ok = topo_parse(t, "t.toml", text, strlen(text), err, errsz);
}

/* Files by path; a NULL text ends the table. */
typedef struct memfile {
	const char *path, *text;
} memfile;

static const memfile *memfs;
static unsigned memfs_reads;

static inline int memfs_read(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	for (const memfile *f = memfs; f && f->path; f++)
		if (strcmp(f->path, path) == 0) {
			memfs_reads++;
			*len = strlen(f->text);
			*data = malloc(*len + 1);
			if (*data == NULL)
				return ENOMEM;
			memcpy(*data, f->text, *len + 1);
			return 0;
		}
	return ENOENT;
}

/* A model from topology text and files (the topology itself is read
 * from "t.toml" in the table).  false when it does not load. */
static inline bool model_from(topo_model *m, const memfile *files, char *err, size_t errsz)
{
	memfs = files;
	memfs_reads = 0;
	return topo_model_load(m, "t.toml", memfs_read, NULL, err, errsz);
}

/* A tiny internet on one network: a root server (twice: two nodes serve
 * one root file), the server of test., that of example.test., a resolver
 * and a client.  The root and test. files leave out the delegations
 * below them: the model derives those from the children's apexes. */
static const char tiny_topology[] __attribute__((unused)) =
	"[sim]\nname = \"tiny\"\n"
	"[network.net]\nipv4 = \"198.51.100.0/24\"\nipv6 = \"2001:db8:5::/64\"\n"
	"[node.root]\nhostname = \"a.root.test\"\naddresses = { net = \"198.51.100.2\" }\n"
	"auth.zones = { \".\" = \"root.zone\" }\n"
	"[node.root2]\naddresses = { net = \"198.51.100.12\" }\n"
	"auth.zones = { \".\" = \"root.zone\" }\n"
	"[node.tld]\nhostname = \"ns.nic.test\"\naddresses = { net = \"198.51.100.3\" }\n"
	"auth.zones = { \"test.\" = \"test.zone\" }\n"
	"[node.ex]\nhostname = \"ns1.example.test\"\n"
	"addresses = { net = [\"198.51.100.4\", \"2001:db8:5::4\"] }\n"
	"auth.zones = { \"example.test.\" = \"example.zone\" }\n"
	"[node.res]\naddresses = { net = [\"198.51.100.53\", \"2001:db8:5::53\"] }\nresolver.allow = [\"198.51.100.0/24\"]\n"
	"[node.pc]\naddresses = { net = \"198.51.100.100\" }\nclient.resolver = \"res\"\n";

static const char tiny_root[] __attribute__((unused)) =
	"$TTL 86400\n"
	". SOA a.root.test. admin.test. 1 1800 900 604800 86400\n"
	". NS a.root.test.\n"
	"a.root.test. A 198.51.100.2\n";

static const char tiny_test[] __attribute__((unused)) =
	"$TTL 172800\n"
	"@ SOA ns.nic.test. admin.test. 1 1800 900 604800 86400\n"
	"@ NS ns.nic.test.\n"
	"ns.nic A 198.51.100.3\n";

static const char tiny_example[] __attribute__((unused)) =
	"$TTL 3600\n"
	"@ SOA ns1 admin 7 1800 900 604800 300\n"
	"@ NS ns1\n"
	"ns1 A 198.51.100.4\n"
	"ns1 AAAA 2001:db8:5::4\n"
	"www A 198.51.100.80\n";

static const memfile tiny_files[] __attribute__((unused)) = {
	{ "t.toml", tiny_topology },
	{ "./root.zone", tiny_root },
	{ "./test.zone", tiny_test },
	{ "./example.zone", tiny_example },
	{ NULL, NULL },
};

/* Records of `type` owned by `owner` (text) in zd. */
static inline size_t count_rr(const dns_zonedata *zd, const char *owner, uint16_t type)
{
	dns_name o;
	if (dns_name_from_text(&o, owner, strlen(owner), dns_name_root) != DNS_OK)
		return 0;
	size_t n = 0;
	for (size_t i = 0; i < zd->n; i++)
		n += zd->rr[i].type == type && dns_name_equal(zd->rr[i].owner, o.data);
	return n;
}

#endif
