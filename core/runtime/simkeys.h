/* The sim's TSIG keys (topo/render.h names them): one file each in the
 * sim's folder, /run/dnsim/SIM/keys/NAME.key, in the format BIND's
 * tsig-keygen writes and nsupdate -k and dig -k read, made with a
 * random secret the first time a key is asked for and read back after. */
#ifndef DNSIM_RUNTIME_SIMKEYS_H
#define DNSIM_RUNTIME_SIMKEYS_H

#include <limits.h>
#include <stddef.h>

#define SIMKEYS_MAX 64

typedef struct simkeys {
	char dir[PATH_MAX];
	struct {
		char name[80];
		char secret[64];
	} k[SIMKEYS_MAX];
	size_t n;
} simkeys;

/* Keys kept in `dir` (made when missing). */
void simkeys_init(simkeys *k, const char *dir);

/* The base64 secret of key `name` (a render_secret_fn; ctx is the
 * simkeys), made and written when new; NULL when it cannot be. */
const char *simkeys_secret(void *ctx, const char *name);

/* The key file's path, into out. */
void simkeys_path(const simkeys *k, const char *name, char *out, size_t outsz);

/* Read key `name` from a key file in `dir` without making it: the
 * secret into secret (at least 64 octets); false when there is none. */
int simkeys_read(const char *dir, const char *name, char *secret, size_t secretsz);

#endif
