/* The zones' life beyond answering: new versions (UPDATE, a reload, a
 * transfer) journaled for IXFR, written to disk and announced by NOTIFY
 * (RFC 1996); secondaries refreshing on the SOA timers (RFC 1035 4.3.5)
 * or at once on a NOTIFY, and expiring when their primaries stay silent
 * too long. */
#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth/anscache.h"
#include "auth/zones.h"
#include "dns/rdata.h"
#include "dns/serial.h"
#include "dns/soa.h"
#include "io/clock.h"
#include "io/log.h"

#define NOTIFY_RETRY_MS 2000
#define NOTIFY_TRIES 5
/* Refreshes of a zone with no data yet back off from 1 s up to its
 * RETRY, so a secondary started before its primary catches up soon. */
#define FIRST_RETRY_MAX_S 30

static auth_zone *slot_zone(const auth_server *s, const auth_slot *slot)
{
	return s->views[slot->view].zs.zones[slot->index];
}

const tsig_key *zonectl_key(const auth_server *s, const char *name)
{
	dns_name n;
	if (name == NULL || dns_name_from_text(&n, name, strlen(name), dns_name_root) != DNS_OK)
		return NULL;
	for (size_t i = 0; i < s->nkeys; i++)
		if (dns_name_equal(s->keys[i].name.data, n.data))
			return &s->keys[i];
	return NULL;
}

auth_slot *zonectl_slot(auth_server *s, const auth_zone *z)
{
	for (size_t i = 0; i < s->nslots; i++)
		if (slot_zone(s, &s->slots[i]) == z)
			return &s->slots[i];
	return NULL;
}

/* The zone's SOA timers (REFRESH, RETRY, EXPIRE), or false without data. */
static bool soa_timers(const auth_zone *z, dns_soa *soa)
{
	if (z->source == NULL || z->db.soa == NULL)
		return false;
	const dns_rr *rr = &z->db.soa->rr[0];
	return dns_soa_read(rr->rdata, rr->rdlen, soa) == DNS_OK;
}

static uint32_t zone_serial(const auth_zone *z)
{
	dns_soa soa;
	return soa_timers(z, &soa) ? soa.serial : 0;
}

static bool check_key(const auth_server *s, const char *name, const char *where)
{
	if (zonectl_key(s, name))
		return true;
	log_msg("%s names key %s, which no tsig-key line defines", where, name);
	return false;
}

bool zonectl_setup(auth_server *s)
{
	const auth_config *cfg = s->cfg;
	s->wake_fd = -1;
	s->notify_fd[0] = s->notify_fd[1] = -1;
	bool ok = true;
	s->keys = calloc(cfg->nkeys ? cfg->nkeys : 1, sizeof *s->keys);
	if (s->keys == NULL)
		return false;
	for (size_t k = 0; k < cfg->nkeys; k++) {
		char err[300];
		if (!tsig_key_init(&s->keys[s->nkeys], cfg->keys[k].name, cfg->keys[k].alg,
				   cfg->keys[k].secret, err, sizeof err)) {
			log_msg("tsig-key %s: %s", cfg->keys[k].name, err);
			ok = false;
			continue;
		}
		s->nkeys++;
	}
	for (size_t i = 0; i < cfg->nxfr_keys; i++)
		ok = check_key(s, cfg->xfr_keys[i], "allow-transfer") && ok;
	size_t n = 0;
	for (size_t v = 0; v < s->nviews; v++) {
		const auth_view_conf *vc = &cfg->views[v];
		for (size_t i = 0; i < vc->nmatch_keys; i++)
			ok = check_key(s, vc->match_keys[i], "a view's match") && ok;
		n += s->views[v].zs.nzones;
	}
	s->slots = calloc(n ? n : 1, sizeof *s->slots);
	if (s->slots == NULL)
		return false;
	uint64_t now = (uint64_t)clock_ms();
	for (size_t v = 0; v < s->nviews; v++) {
		const auth_view_conf *vc = &cfg->views[v];
		for (size_t i = 0; i < s->views[v].zs.nzones; i++) {
			auth_slot *slot = &s->slots[s->nslots++];
			const auth_zone_conf *zc = &vc->zones[i];
			slot->view = v;
			slot->index = i;
			slot->conf = zc;
			snprintf(slot->name, sizeof slot->name, "%s%s%s%s", zc->origin,
				 v ? " (view " : "", v ? vc->name : "", v ? ")" : "");
			dns_journal_init(&slot->journal, cfg->journal);
			for (size_t p = 0; p < zc->nprimaries; p++)
				if (zc->primaries[p].key)
					ok = check_key(s, zc->primaries[p].key, "primary") && ok;
			for (size_t p = 0; p < zc->nnotify; p++)
				if (zc->notify[p].key)
					ok = check_key(s, zc->notify[p].key, "notify") && ok;
			for (size_t k = 0; k < zc->nupdate_keys; k++)
				ok = check_key(s, zc->update_keys[k], "allow-update") && ok;
			if (zc->nprimaries == 0)
				continue;
			slot->secondary = true;
			slot->next_check_ms = now;     /* refresh at start */
			auth_zone *z = slot_zone(s, slot);
			dns_soa soa;
			struct stat st;
			if (soa_timers(z, &soa) && stat(z->file, &st) == 0) {
				/* The copy on disk is as fresh as the file is: it
				 * expires EXPIRE seconds after it was written. */
				long long age = (long long)time(NULL) - (long long)st.st_mtime;
				long long left = (long long)soa.expire - (age > 0 ? age : 0);
				slot->expire_at_ms = now + (uint64_t)(left > 0 ? left : 0) * 1000;
				if (left <= 0) {
					z->unavailable = true;
					log_msg("zone %s: the copy in %s is older than its EXPIRE (%u s); "
						"SERVFAIL until a transfer succeeds", slot->name, z->file,
						soa.expire);
				}
			}
		}
	}
	s->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s->notify_fd[0] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->notify_fd[1] = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->wake_fd < 0) {
		log_msg("eventfd: %s", strerror(errno));
		return false;
	}
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s->wake_tag };
	*s->wake_tag = (ev_tag){ EV_XFR_DONE, s->wake_fd };
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->wake_fd, &ev) < 0)
		return false;
	for (int f = 0; f < 2; f++) {
		if (s->notify_fd[f] < 0)
			continue;
		s->notify_tag[f] = (ev_tag){ EV_NOTIFY, s->notify_fd[f] };
		ev.data.ptr = &s->notify_tag[f];
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->notify_fd[f], &ev) < 0)
			return false;
	}
	return ok;
}

void zonectl_free(auth_server *s)
{
	for (size_t i = 0; i < s->nslots; i++) {
		auth_slot *slot = &s->slots[i];
		if (slot->job) {
			xfrin_join(slot->job);
			xfrin_free(slot->job);
			free(slot->job);
		}
		dns_journal_free(&slot->journal);
	}
	free(s->slots);
	free(s->keys);
	free(s->notifies);
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	for (int f = 0; f < 2; f++)
		if (s->notify_fd[f] >= 0)
			close(s->notify_fd[f]);
}

/* ---- NOTIFY out ------------------------------------------------------------ */

static void notify_send(auth_server *s, notify_out *n)
{
	const auth_slot *slot = &s->slots[n->slot];
	const auth_zone *z = slot_zone(s, slot);
	uint8_t buf[1024];
	dns_builder b;
	dns_header h = { .id = n->id, .opcode = DNS_OP_NOTIFY, .flags = DNS_F_AA };
	size_t len = 0;
	if (dns_build_init(&b, buf, sizeof buf - TSIG_RR_MAX, &h) == DNS_OK &&
	    dns_build_question(&b, z->origin.data, DNS_T_SOA, DNS_C_IN) == DNS_OK) {
		/* The new SOA goes along (RFC 1996 3.7), as BIND sends it. */
		if (z->db.soa)
			(void)dns_build_rr(&b, DNS_SEC_ANSWER, &z->db.soa->rr[0]);
		len = dns_build_finish(&b);
	}
	if (len && n->key &&
	    tsig_sign(buf, len, sizeof buf, n->key, (uint64_t)time(NULL), NULL, 0, 0, NULL, 0, &len,
		      NULL) != DNS_OK)
		len = 0;
	int fd = s->notify_fd[n->to.ss.ss_family == AF_INET6];
	char where[80];
	net_addr_format((const struct sockaddr *)&n->to.ss, where, sizeof where);
	if (len == 0 || fd < 0 ||
	    sendto(fd, buf, len, 0, (const struct sockaddr *)&n->to.ss, n->to.len) < 0)
		log_msg("notify: zone %s to %s: cannot send: %s", slot->name, where,
			fd < 0 ? "no socket of that family" : strerror(errno));
	else if (n->tries == 0)
		log_msg("notify: zone %s serial %u sent to %s%s", slot->name, n->serial, where,
			n->key ? " (TSIG)" : "");
	n->tries++;
	n->next_ms = (uint64_t)clock_ms() + NOTIFY_RETRY_MS;
}

static void notify_all(auth_server *s, auth_slot *slot)
{
	const auth_zone_conf *zc = slot->conf;
	uint32_t serial = zone_serial(slot_zone(s, slot));
	/* Most servers never notify anyone: the table is made when needed,
	 * so a sim of thousands of servers does not carry it in each. */
	if (zc->nnotify && s->notifies == NULL &&
	    (s->notifies = calloc(NOTIFY_PENDING_MAX, sizeof *s->notifies)) == NULL) {
		log_msg("notify: zone %s: out of memory, no NOTIFY sent", slot->name);
		return;
	}
	for (size_t t = 0; t < zc->nnotify; t++) {
		notify_out *n = NULL;
		/* A NOTIFY still pending for the same target is replaced. */
		for (size_t i = 0; i < NOTIFY_PENDING_MAX; i++) {
			notify_out *p = &s->notifies[i];
			if (p->used && p->slot == (size_t)(slot - s->slots) &&
			    p->to.len == zc->notify[t].addr.len &&
			    memcmp(&p->to.ss, &zc->notify[t].addr.ss, p->to.len) == 0)
				n = p;
			else if (!p->used && n == NULL)
				n = p;
		}
		if (n == NULL) {
			log_msg("notify: zone %s: too many NOTIFYs pending, one dropped", slot->name);
			continue;
		}
		uint16_t id;
		if (getrandom(&id, sizeof id, 0) != (ssize_t)sizeof id)
			id = (uint16_t)rand();
		*n = (notify_out){ .used = true, .slot = (size_t)(slot - s->slots),
				   .to = zc->notify[t].addr, .key = zonectl_key(s, zc->notify[t].key),
				   .id = id, .serial = serial };
		notify_send(s, n);
	}
}

void zonectl_notify_answers(auth_server *s, int fd)
{
	for (;;) {
		uint8_t buf[4096];
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t len = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (len < 0)
			return;
		dns_header h;
		uint16_t counts[4];
		if (dns_header_parse(&h, counts, buf, (size_t)len) != DNS_OK || !(h.flags & DNS_F_QR) ||
		    h.opcode != DNS_OP_NOTIFY)
			continue;
		for (size_t i = 0; s->notifies && i < NOTIFY_PENDING_MAX; i++) {
			notify_out *n = &s->notifies[i];
			if (!n->used || n->id != h.id || n->to.ss.ss_family != from.ss_family)
				continue;
			char where[80];
			net_addr_format((const struct sockaddr *)&from, where, sizeof where);
			char rc[DNS_MNEMONIC_MAX];
			if (h.rcode != DNS_R_NOERROR)
				log_msg("notify: zone %s: %s answered %s", s->slots[n->slot].name, where,
					dns_rcode_to_text(h.rcode, rc));
			n->used = false;
		}
	}
}

/* ---- new versions ---------------------------------------------------------- */

/* Put `z` in the slot's place: the change journaled, the old version
 * freed, the file written when `save`, the secondaries told. */
static void install(auth_server *s, auth_slot *slot, auth_zone *z, const char *why, bool save)
{
	auth_zone *old = slot_zone(s, slot);
	uint32_t before = zone_serial(old), after = zone_serial(z);
	bool had = old->source != NULL;
	if (had) {
		dns_delta d;
		dns_delta_init(&d, z->origin.data);
		if (dns_zone_diff(old->source, z->source, &d) != DNS_OK ||
		    !dns_journal_add(&slot->journal, &d))
			log_msg("zone %s: change not journaled (IXFR from before it falls back to "
				"AXFR)", slot->name);
		dns_delta_free(&d);
	}
	s->views[slot->view].zs.zones[slot->index] = z;
	auth_zone_free(old);
	/* Answers made from the old version go with it. */
	anscache_clear(s->cache);
	if (save) {
		char header[DNS_NAME_MAXTEXT + 1400];
		snprintf(header, sizeof header, "; zone %s serial %u, written by dnsim-auth (%s)\n",
			 slot->name, after, why);
		int rc = auth_zone_save(z, header);
		if (rc < 0)
			log_msg("zone %s: cannot write %s: %s", slot->name, z->file, strerror(-rc));
	}
	if (had)
		log_msg("zone %s: serial %u -> %u (%s)", slot->name, before, after, why);
	else
		log_msg("zone %s: serial %u loaded (%s)", slot->name, after, why);
	if (!had || before != after)
		notify_all(s, slot);
}

bool zonectl_new_version(auth_server *s, auth_slot *slot, dns_zonedata *zd, const char *why,
			 uint64_t now_ms)
{
	(void)now_ms;
	char err[1024];
	auth_zone *old = slot_zone(s, slot);
	dns_zonedata *heap = malloc(sizeof *heap);
	if (heap == NULL) {
		dns_zonedata_free(zd);
		log_msg("zone %s: out of memory", slot->name);
		return false;
	}
	*heap = *zd;
	memset(zd, 0, sizeof *zd);
	auth_zone *z = auth_zone_from_data(old->origin.data, old->file, heap, err, sizeof err);
	if (z == NULL) {
		log_msg("zone %s: the new version is not served: %s", slot->name, err);
		return false;
	}
	install(s, slot, z, why, true);
	return true;
}

unsigned zonectl_notify_in(auth_server *s, auth_slot *slot, const struct sockaddr *peer,
			   const tsig_key *key, uint64_t now_ms)
{
	char who[80];
	net_addr_format(peer, who, sizeof who);
	if (!slot->secondary)
		return DNS_R_NOERROR;     /* a primary has nothing to fetch */
	/* RFC 1996 3.10: only from a primary of the zone (by its key when
	 * the zone has one, else by its address). */
	const auth_zone_conf *zc = slot->conf;
	bool keyed = false, from_primary = false;
	for (size_t i = 0; i < zc->nprimaries; i++) {
		const tsig_key *pk = zonectl_key(s, zc->primaries[i].key);
		keyed = keyed || pk;
		if (pk && pk == key)
			from_primary = true;
		const net_addr *a = &zc->primaries[i].addr;
		bool same_host = a->ss.ss_family == peer->sa_family &&
			(peer->sa_family == AF_INET
			 ? memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
				  &((const struct sockaddr_in *)peer)->sin_addr, 4) == 0
			 : memcmp(&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
				  &((const struct sockaddr_in6 *)peer)->sin6_addr, 16) == 0);
		if (same_host && pk == NULL)
			from_primary = true;
	}
	if (!from_primary) {
		log_msg("notify: zone %s from %s refused: %s", slot->name, who,
			keyed ? "not signed with the primary's key" : "not from a primary");
		return DNS_R_REFUSED;
	}
	log_msg("notify: zone %s from %s: asking the primary", slot->name, who);
	if (slot->job)
		slot->notified = true;
	else
		slot->next_check_ms = now_ms;
	return DNS_R_NOERROR;
}

void zonectl_reload(auth_server *s, uint64_t now_ms)
{
	size_t loaded = 0, kept = 0;
	for (size_t i = 0; i < s->nslots; i++) {
		auth_slot *slot = &s->slots[i];
		if (slot->secondary) {
			if (slot->job == NULL)
				slot->next_check_ms = now_ms;
			continue;
		}
		auth_zone *old = slot_zone(s, slot);
		char origin[DNS_NAME_MAXTEXT], err[4096];
		if (dns_name_to_text(old->origin.data, origin, sizeof origin, NULL))
			continue;
		auth_zone *z = auth_zone_load(origin, old->file, err, sizeof err);
		if (z == NULL) {
			log_msg("reload: zone %s keeps its old data:\n%s", slot->name, err);
			kept++;
			continue;
		}
		install(s, slot, z, "reloaded from its file", false);
		loaded++;
	}
	log_msg("reload: %zu zones loaded, %zu kept their old data", loaded, kept);
}

/* ---- refreshing ------------------------------------------------------------ */

static void start_refresh(auth_server *s, auth_slot *slot)
{
	auth_zone *z = slot_zone(s, slot);
	xfrin_job *j = calloc(1, sizeof *j);
	if (j == NULL)
		return;
	dns_name_copy(&j->origin, z->origin.data);
	const auth_zone_conf *zc = slot->conf;
	for (size_t i = 0; i < zc->nprimaries && j->nprimaries < XFRIN_PRIMARIES_MAX; i++) {
		xfrin_primary *p = &j->primaries[j->nprimaries++];
		p->addr = zc->primaries[i].addr;
		const tsig_key *k = zonectl_key(s, zc->primaries[i].key);
		if (k) {
			p->has_key = true;
			p->key = *k;
		}
	}
	dns_soa soa;
	if (soa_timers(z, &soa) && z->db.soa->rr[0].rdlen <= sizeof j->soa) {
		j->have_data = true;
		j->serial = soa.serial;
		j->soalen = z->db.soa->rr[0].rdlen;
		memcpy(j->soa, z->db.soa->rr[0].rdata, j->soalen);
	}
	j->axfr_only = slot->axfr_only;
	if (!xfrin_start(j, s->wake_fd)) {
		log_msg("zone %s: cannot start a transfer thread", slot->name);
		free(j);
		slot->next_check_ms = (uint64_t)clock_ms() + 1000;
		return;
	}
	slot->job = j;
	slot->next_check_ms = 0;
}

/* The zone's records from an AXFR (or an IXFR's whole-zone form):
 * rrs[0..n), the closing SOA left out. */
static bool whole_zone(auth_server *s, auth_slot *slot, const dns_rr *rrs, size_t n,
		       const char *why, uint64_t now)
{
	auth_zone *old = slot_zone(s, slot);
	dns_zonedata zd;
	dns_zonedata_init(&zd, old->origin.data, DNS_C_IN);
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++)
		ok = dns_zonedata_add(&zd, &rrs[i], "transfer", 0);
	if (!ok || dns_zonedata_finish(&zd, NULL, NULL) != 0) {
		log_msg("zone %s: the transferred zone does not pass the checks a zone file must; "
			"keeping what we had", slot->name);
		dns_zonedata_free(&zd);
		return false;
	}
	return zonectl_new_version(s, slot, &zd, why, now);
}

static bool apply_deltas(auth_server *s, auth_slot *slot, const dns_ixfr *x, const char *why,
			 uint64_t now)
{
	auth_zone *old = slot_zone(s, slot);
	if (old->source == NULL)
		return false;
	dns_zonedata cur;
	bool have = false;
	char msg[600];
	for (size_t i = 0; i < x->ndeltas; i++) {
		dns_zonedata next;
		dns_zonedata_init(&next, old->origin.data, DNS_C_IN);
		unsigned e = dns_zone_apply(have ? &cur : old->source, &x->deltas[i], &next, NULL, NULL,
					    msg, sizeof msg);
		if (have)
			dns_zonedata_free(&cur);
		cur = next;
		have = true;
		if (e) {
			log_msg("zone %s: IXFR change %u -> %u does not apply (%s); asking for "
				"the whole zone", slot->name, x->deltas[i].from, x->deltas[i].to,
				msg[0] ? msg : "the result fails the zone checks");
			dns_zonedata_free(&cur);
			return false;
		}
	}
	if (!have)
		return false;
	return zonectl_new_version(s, slot, &cur, why, now);
}

static void refreshed(auth_server *s, auth_slot *slot, uint64_t now)
{
	auth_zone *z = slot_zone(s, slot);
	dns_soa soa;
	if (!soa_timers(z, &soa))
		return;
	slot->failures = 0;
	slot->axfr_only = false;
	slot->next_check_ms = now + (uint64_t)(soa.refresh ? soa.refresh : 1) * 1000;
	slot->expire_at_ms = now + (uint64_t)soa.expire * 1000;
	if (z->unavailable) {
		z->unavailable = false;
		anscache_clear(s->cache);
		log_msg("zone %s: served again (serial %u)", slot->name, soa.serial);
	}
}

static void finish_job(auth_server *s, auth_slot *slot, uint64_t now)
{
	xfrin_job *j = slot->job;
	xfrin_join(j);
	slot->job = NULL;
	auth_zone *z = slot_zone(s, slot);
	char why[200];
	bool ok = false;
	if (j->result == XFRIN_UPTODATE) {
		ok = true;
		if (z->unavailable || slot->failures)
			log_msg("zone %s: %s has serial %u, as we do", slot->name, j->from,
				j->primary_serial);
	} else if (j->result == XFRIN_RECORDS) {
		dns_ixfr x;
		dns_err e = dns_ixfr_read(j->records.rr, j->records.n, z->origin.data, j->serial, &x);
		if (e == DNS_OK && !j->ixfr && x.kind != DNS_IXFR_FULL)
			e = DNS_E_FORMAT;
		if (e != DNS_OK) {
			log_msg("zone %s: the %s from %s is not a zone transfer", slot->name,
				j->ixfr ? "IXFR" : "AXFR", j->from);
		} else if (x.kind == DNS_IXFR_UPTODATE) {
			ok = true;
		} else if (x.kind == DNS_IXFR_FULL) {
			snprintf(why, sizeof why, "%s from %s, %zu records in %zu messages",
				 j->ixfr ? "IXFR (whole zone)" : "AXFR", j->from, x.nfull, j->messages);
			ok = whole_zone(s, slot, j->records.rr, x.nfull, why, now);
		} else {
			snprintf(why, sizeof why, "IXFR from %s, %zu change%s", j->from, x.ndeltas,
				 x.ndeltas == 1 ? "" : "s");
			ok = apply_deltas(s, slot, &x, why, now);
			if (!ok) {
				slot->axfr_only = true;
				slot->next_check_ms = now;
			}
		}
		dns_ixfr_free(&x);
	} else {
		log_msg("zone %s: refresh failed: %s", slot->name, j->msg);
	}
	if (ok) {
		refreshed(s, slot, now);
	} else if (!slot->axfr_only || slot->next_check_ms == 0) {
		slot->failures++;
		z = slot_zone(s, slot);   /* the version served now */
		dns_soa soa;
		uint64_t retry = soa_timers(z, &soa) ? soa.retry : FIRST_RETRY_MAX_S;
		if (z->source == NULL || z->unavailable) {
			uint64_t backoff = 1ull << (slot->failures < 6 ? slot->failures - 1 : 5);
			if (backoff < retry || z->source == NULL)
				retry = backoff < FIRST_RETRY_MAX_S ? backoff : FIRST_RETRY_MAX_S;
		}
		slot->next_check_ms = now + (retry ? retry : 1) * 1000;
	}
	if (slot->notified) {
		slot->notified = false;
		slot->next_check_ms = now;
	}
	xfrin_free(j);
	free(j);
}

void zonectl_transfers_done(auth_server *s, uint64_t now_ms)
{
	uint64_t count;
	if (read(s->wake_fd, &count, sizeof count) < 0) {
		/* EAGAIN: woken for jobs already handled by a tick */
	}
	for (size_t i = 0; i < s->nslots; i++)
		if (s->slots[i].job && atomic_load(&s->slots[i].job->done))
			finish_job(s, &s->slots[i], now_ms);
}

static void earliest(uint64_t *next, uint64_t at)
{
	if (at && (*next == 0 || at < *next))
		*next = at;
}

int zonectl_tick(auth_server *s, uint64_t now)
{
	uint64_t next = 0;
	for (size_t i = 0; i < s->nslots; i++) {
		auth_slot *slot = &s->slots[i];
		if (!slot->secondary)
			continue;
		if (slot->job && atomic_load(&slot->job->done))
			finish_job(s, slot, now);
		/* After the job: a finished transfer installs a new version and
		 * frees the one before. */
		auth_zone *z = slot_zone(s, slot);
		if (slot->expire_at_ms && now >= slot->expire_at_ms && z->source && !z->unavailable) {
			dns_soa soa;
			z->unavailable = true;
			anscache_clear(s->cache);
			log_msg("zone %s expired: no primary answered for its EXPIRE (%u s); "
				"answering SERVFAIL", slot->name, soa_timers(z, &soa) ? soa.expire : 0);
		}
		if (!slot->job && slot->next_check_ms && now >= slot->next_check_ms)
			start_refresh(s, slot);
		earliest(&next, slot->next_check_ms);
		if (!z->unavailable)
			earliest(&next, slot->expire_at_ms);
	}
	for (size_t i = 0; s->notifies && i < NOTIFY_PENDING_MAX; i++) {
		notify_out *n = &s->notifies[i];
		if (!n->used)
			continue;
		if (now >= n->next_ms) {
			if (n->tries >= NOTIFY_TRIES) {
				char where[80];
				net_addr_format((const struct sockaddr *)&n->to.ss, where, sizeof where);
				log_msg("notify: zone %s: %s never answered", s->slots[n->slot].name,
					where);
				n->used = false;
				continue;
			}
			notify_send(s, n);
		}
		earliest(&next, n->next_ms);
	}
	if (next == 0)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}
