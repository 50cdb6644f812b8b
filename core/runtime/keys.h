/* The DNSSEC keys of a running sim, as files.  `up` makes a KSK and a
 * ZSK for every zone the topology signs (or reads the key files the
 * topology names) and keeps them under SIM_RUN_DIR/SIM/keys/ in BIND's
 * format (Kzone.+alg+tag.key and .private, what dnssec-keygen writes),
 * with an index saying which zone each key signs and how; `down`
 * removes them with the rest of the run folder.  The root's trust
 * anchor goes beside them: SIM_RUN_DIR/SIM/root.key (DNSKEY records, for
 * the resolvers) and SIM_RUN_DIR/SIM/bind.keys (for delv in the nodes).
 * The verbs that edit signed zones load the keys back from there. */
#ifndef DNSIM_RUNTIME_KEYS_H
#define DNSIM_RUNTIME_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netns/build.h"
#include "topo/model.h"
#include "topo/signing.h"

/* How long the signatures the sim makes are valid: from an hour ago (a
 * clock a little behind still accepts them) for thirty days. */
#define KEYS_VALID_BEFORE 3600u
#define KEYS_VALID_FOR (30u * 86400u)

/* The file names under the sim's folder. */
#define KEYS_DIR "keys"
#define KEYS_INDEX "keys/index"
#define KEYS_AT_UP "keys/index.up"    /* the index as `up` wrote it */
#define KEYS_ROOT_ANCHOR BUILD_ROOT_ANCHOR
#define KEYS_BIND_KEYS BUILD_BIND_KEYS

/* Make or read the keys of every zone m's topology signs, write them
 * (and the root's trust anchor when the root is signed) into the sim's
 * folder, and hang them on m->zones, so that every zone copy rendered
 * from m is signed and carries its children's DS.  The number of signed
 * zones, or -1 with err set. */
int keys_prepare(topo_model *m, const char *sim, char *err, size_t errsz);

/* The keys of every signed zone of a running sim, from its folder, with
 * validity from now.  0 (an empty keyring when nothing is signed), or -1
 * with err set. */
int keys_load(const char *sim, topo_keyring *kr, char *err, size_t errsz);

/* Write zone z's key files (those not written yet) and put its entries
 * in the index in place of the zone's old ones.  0 or -1 with err set. */
int keys_save_zone(const char *sim, const signing_zone *z, char *err, size_t errsz);

/* Make a new key for z (a KSK with `ksk`, else a ZSK) of z's first key's
 * algorithm (or `alg` when z has none); added to z.  0 or -1 with err. */
int keys_generate(signing_zone *z, uint8_t alg, bool ksk, char *err, size_t errsz);

/* Was k one of the keys `up` made (or read), rather than one added
 * since (`sim dnssec addkey`, `sign`)?  For rollover exercises. */
bool keys_made_at_up(const char *sim, const dnssec_key *k);

/* The validity of signatures made now. */
void keys_validity(uint32_t *inception, uint32_t *expiration);

/* Where the sim's trust anchor files are (path into out). */
void keys_anchor_path(const char *sim, const char *file, char *out, size_t outsz);

#endif
