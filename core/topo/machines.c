/* Machines of a sim: parsing their keys, placing the nodes, and what the
 * networks between them need. */
#include "topo/machines.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "dns/name.h"
#include "topo/signing.h"
#include "util/array.h"

/* Outer IPv4 (20) or IPv6 (40), UDP (8), VXLAN (8), inner Ethernet (14). */
#define VXLAN_OVERHEAD_V4 50u
#define VXLAN_OVERHEAD_V6 70u
#define IPV4_MIN_MTU 576u

typedef struct mparser {
	topo *t;
	const char *path;
	char *err;
	size_t errsz;
} mparser;

static bool fail(mparser *p, const toml_value *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(mparser *p, const toml_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	topo_vfail(p->err, p->errsz, p->path, at, fmt, ap);
	va_end(ap);
	return false;
}

size_t machines_find(const topo *t, const char *name)
{
	for (size_t i = 0; i < t->nmachines; i++)
		if (strcmp(t->machines[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* The machine `name`, added when new. */
static topo_machine *machine_get(mparser *p, const toml_value *at, const char *name)
{
	if (!topo_name_ok(name)) {
		fail(p, at, "machine name \"%s\" is not usable: use at most %d letters, digits "
		     "and '-'", name, TOPO_NAME_MAX);
		return NULL;
	}
	size_t i = machines_find(p->t, name);
	if (i != SIZE_MAX)
		return &p->t->machines[i];
	topo_machine *m = array_grow(&p->t->machines, &p->t->nmachines, sizeof *m);
	if (m == NULL) {
		fail(p, at, "out of memory");
		return NULL;
	}
	snprintf(m->name, sizeof m->name, "%s", name);
	m->line = at->line;
	return m;
}

static bool want_string(mparser *p, const toml_value *v, const char *what)
{
	if (v->type == TOML_STRING && strlen(v->u.s.ptr) == v->u.s.len)
		return true;
	return fail(p, v, "%s must be a string", what);
}

static bool parse_sim_keys(mparser *p, const toml_value *sim)
{
	const toml_value *list = toml_get(sim, "machines");
	if (list) {
		if (list->type != TOML_ARRAY || list->u.arr.n == 0)
			return fail(p, list, "sim.machines must be an array of machine names, "
				    "e.g. [\"m1\", \"m2\"]");
		for (size_t i = 0; i < list->u.arr.n; i++) {
			const toml_value *v = list->u.arr.items[i];
			if (!want_string(p, v, "each of sim.machines"))
				return false;
			if (machines_find(p->t, v->u.s.ptr) != SIZE_MAX)
				return fail(p, v, "machine %s is listed twice", v->u.s.ptr);
			if (machine_get(p, v, v->u.s.ptr) == NULL)
				return false;
		}
	}
	const toml_value *vni = toml_get(sim, "vni_base");
	if (vni) {
		if (vni->type != TOML_INTEGER || vni->u.i < 1 ||
		    (uint64_t)vni->u.i + p->t->nnetworks > MACHINES_VNI_MAX + 1ull)
			return fail(p, vni, "sim.vni_base must be an integer from 1 to %llu (less "
				    "the number of networks)",
				    (unsigned long long)MACHINES_VNI_MAX + 1 - p->t->nnetworks);
		p->t->vni_base = (uint32_t)vni->u.i;
	}
	return true;
}

static bool parse_machine_table(mparser *p, const char *name, const toml_value *v)
{
	char where[80];
	snprintf(where, sizeof where, "[machine.%s]", name);
	if (v->type != TOML_TABLE)
		return fail(p, v, "%s must be a table", where);
	for (size_t i = 0; i < v->u.tab.n; i++) {
		const char *key = v->u.tab.kv[i].key;
		if (strcmp(key, "underlay") != 0 && strcmp(key, "ssh") != 0)
			return fail(p, v->u.tab.kv[i].value, "unknown key \"%s\" in %s (known keys: "
				    "underlay, ssh)", key, where);
	}
	topo_machine *m = machine_get(p, v, name);
	if (m == NULL)
		return false;
	m->line = v->line;
	const toml_value *x = toml_get(v, "underlay");
	if (x) {
		if (!want_string(p, x, "underlay"))
			return false;
		/* An address alone: the tunnels use VXLAN's own port. */
		uint8_t raw[16];
		bool plain = inet_pton(AF_INET, x->u.s.ptr, raw) == 1 ||
			     inet_pton(AF_INET6, x->u.s.ptr, raw) == 1;
		if (!plain || !net_addr_parse(x->u.s.ptr, 0, &m->underlay) ||
		    strlen(x->u.s.ptr) >= sizeof m->underlay_text)
			return fail(p, x, "%s underlay = \"%s\": an IPv4 or IPv6 address, without "
				    "port or prefix", where, x->u.s.ptr);
		snprintf(m->underlay_text, sizeof m->underlay_text, "%s", x->u.s.ptr);
		m->has_underlay = true;
	}
	if ((x = toml_get(v, "ssh"))) {
		if (!want_string(p, x, "ssh"))
			return false;
		free(m->ssh);
		if ((m->ssh = strdup(x->u.s.ptr)) == NULL)
			return fail(p, x, "out of memory");
	}
	return true;
}

/* Each node's `machine`: the nodes were parsed in this same order. */
static bool parse_node_machines(mparser *p, const toml_value *nodes)
{
	size_t k = 0;
	for (size_t i = 0; nodes && i < nodes->u.tab.n && k < p->t->nnodes; i++, k++) {
		const toml_value *x = toml_get(nodes->u.tab.kv[i].value, "machine");
		if (x == NULL)
			continue;
		if (!want_string(p, x, "machine"))
			return false;
		size_t m = machines_find(p->t, x->u.s.ptr);
		if (m == SIZE_MAX)
			return fail(p, x, "node %s: machine %s is not declared: list it in [sim] "
				    "machines or give it a table ([machine.%s] underlay = "
				    "\"ADDRESS\")", p->t->nodes[k].name, x->u.s.ptr, x->u.s.ptr);
		p->t->nodes[k].machine = m;
	}
	return true;
}

static bool same_host(const net_addr *a, const net_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
			      &((const struct sockaddr_in *)&b->ss)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
		      &((const struct sockaddr_in6 *)&b->ss)->sin6_addr, 16) == 0;
}

/* With more than one machine, the tunnels need an underlay address on
 * each, all of one family and no two alike. */
static bool check_underlays(mparser *p)
{
	topo *t = p->t;
	if (t->nmachines < 2)
		return true;
	for (size_t i = 0; i < t->nmachines; i++) {
		const topo_machine *m = &t->machines[i];
		if (!m->has_underlay)
			return fail(p, NULL, "line %u: machine %s has no underlay address: a sim on "
				    "%zu machines needs one on each ([machine.%s] underlay = "
				    "\"ADDRESS\")", m->line, m->name, t->nmachines, m->name);
		if (m->underlay.ss.ss_family != t->machines[0].underlay.ss.ss_family)
			return fail(p, NULL, "line %u: machine %s's underlay %s is not of the family "
				    "of machine %s's (%s): the tunnels need one family",
				    m->line, m->name, m->underlay_text, t->machines[0].name,
				    t->machines[0].underlay_text);
		for (size_t j = 0; j < i; j++)
			if (same_host(&m->underlay, &t->machines[j].underlay))
				return fail(p, NULL, "line %u: machines %s and %s have the same underlay "
					    "address %s", m->line, t->machines[j].name, m->name,
					    m->underlay_text);
	}
	return true;
}

bool machines_parse(topo *t, const toml_value *root, const char *path, char *err,
		    size_t errsz)
{
	mparser p = { t, path, err, errsz };
	t->vni_base = MACHINES_VNI_DEFAULT;
	for (size_t i = 0; i < t->nnodes; i++)
		t->nodes[i].machine = SIZE_MAX;
	const toml_value *x = toml_get(root, "sim");
	if (x && x->type == TOML_TABLE && !parse_sim_keys(&p, x))
		return false;
	if ((x = toml_get(root, "machine"))) {
		if (x->type != TOML_TABLE)
			return fail(&p, x, "machine must be tables ([machine.NAME])");
		for (size_t i = 0; i < x->u.tab.n; i++)
			if (!parse_machine_table(&p, x->u.tab.kv[i].key, x->u.tab.kv[i].value))
				return false;
	}
	x = toml_get(root, "node");
	if (x && x->type == TOML_TABLE && !parse_node_machines(&p, x))
		return false;
	if (!check_underlays(&p))
		return false;
	machines_assign(t);
	return true;
}

void machines_assign(topo *t)
{
	if (t->nmachines == 0)
		return;
	size_t *count = calloc(t->nmachines, sizeof *count);
	for (size_t i = 0; count && i < t->nnodes; i++)
		if (t->nodes[i].machine < t->nmachines)
			count[t->nodes[i].machine]++;
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].machine < t->nmachines)
			continue;
		size_t best = 0;
		for (size_t m = 1; count && m < t->nmachines; m++)
			if (count[m] < count[best])
				best = m;
		t->nodes[i].machine = best;
		if (count)
			count[best]++;
	}
	free(count);
}

bool machines_select(topo *t, const char *name, char *err, size_t errsz)
{
	size_t m = machines_find(t, name);
	if (m != SIZE_MAX) {
		t->part = true;
		t->here = m;
		return true;
	}
	if (t->nmachines == 0) {
		snprintf(err, errsz, "--machine %s: the topology names no machines (a machine = "
			 "\"NAME\" on nodes, or [sim] machines = [...])", name);
		return false;
	}
	int w = snprintf(err, errsz, "--machine %s: the topology's machines are", name);
	for (size_t i = 0; i < t->nmachines && w > 0 && (size_t)w < errsz; i++)
		w += snprintf(err + w, errsz - (size_t)w, "%s %s", i ? "," : "",
			      t->machines[i].name);
	return false;
}

bool machines_node_here(const topo *t, size_t node)
{
	return !t->part || (node < t->nnodes && t->nodes[node].machine == t->here);
}

bool machines_network_on(const topo *t, size_t net, size_t m)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].machine != m)
			continue;
		for (size_t k = 0; k < t->nodes[i].naddrs; k++)
			if (t->nodes[i].addrs[k].network == net)
				return true;
	}
	return false;
}

bool machines_network_spans(const topo *t, size_t net)
{
	size_t on = 0;
	for (size_t m = 0; m < t->nmachines && on < 2; m++)
		on += machines_network_on(t, net, m);
	return on >= 2;
}

uint32_t machines_vni(const topo *t, size_t net)
{
	return t->vni_base + (uint32_t)net;
}

unsigned machines_overlay_mtu(unsigned underlay_mtu, int family)
{
	unsigned over = family == AF_INET6 ? VXLAN_OVERHEAD_V6 : VXLAN_OVERHEAD_V4;
	if (underlay_mtu < over + IPV4_MIN_MTU)
		return 0;
	return underlay_mtu - over;
}

typedef struct mcheck {
	const topo *t;
	topo_report_fn report;
	void *ctx;
	unsigned errors;
} mcheck;

static void problem(mcheck *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(mcheck *c, unsigned line, const char *fmt, ...)
{
	char msg[512], out[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(out, sizeof out, "%s:%u: %s", c->t->path, line, msg);
	c->report(c->ctx, out);
	c->errors++;
}

unsigned machines_check(const topo_model *m, topo_report_fn report, void *ctx)
{
	const topo *t = &m->t;
	mcheck c = { t, report, ctx, 0 };
	if (t->nmachines < 2)
		return 0;
	/* Keys made at up are random: two parts would sign one zone with
	 * two keys, and a resolver of one would find the other's bogus. */
	size_t n = 0;
	bool oom = false;
	signing_plan *plans = signing_plans(t, m->zones, &n, &oom);
	for (size_t i = 0; i < n; i++) {
		if (plans[i].ksk && plans[i].zsk)
			continue;
		char origin[1024];
		if (dns_name_to_text(plans[i].origin.data, origin, sizeof origin, NULL) != DNS_OK)
			snprintf(origin, sizeof origin, "?");
		problem(&c, t->machines[1].line, "zone %s is signed with keys made at `up`, and "
			"each machine's part would make its own: give it key files ([zone.\"%s\"] "
			"ksk = \"FILE\", zsk = \"FILE\") or dnssec = \"off\" in a sim on %zu machines",
			origin, origin, t->nmachines);
	}
	free(plans);
	if (oom)
		problem(&c, 0, "out of memory checking the signed zones");
	/* A transfer's TSIG key is made at up by the part that runs it. */
	for (size_t i = 0; i < t->nnodes; i++) {
		const topo_node *nd = &t->nodes[i];
		for (size_t z = 0; z < nd->nzones; z++) {
			if (nd->zones[z].primary == NULL)
				continue;
			const topo_node *pri = topo_node_find(t, nd->zones[z].primary);
			if (pri && pri->machine != nd->machine)
				problem(&c, nd->zones[z].line, "node %s (machine %s) transfers zone %s "
					"from %s on machine %s: each part makes its own TSIG keys, so "
					"keep a primary and its secondaries on one machine", nd->name,
					t->machines[nd->machine].name, nd->zones[z].origin, pri->name,
					t->machines[pri->machine].name);
		}
	}
	return c.errors;
}
