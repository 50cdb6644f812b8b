/* The sim's TSIG key files. */
#include "runtime/simkeys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "dns/encode.h"
#include "io/readfile.h"
#include "io/writefile.h"
#include "topo/render.h"

void simkeys_init(simkeys *k, const char *dir)
{
	memset(k, 0, sizeof *k);
	snprintf(k->dir, sizeof k->dir, "%s", dir);
}

void simkeys_path(const simkeys *k, const char *name, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/%s.key", k->dir, name);
}

int simkeys_read(const char *dir, const char *name, char *secret, size_t secretsz)
{
	char path[PATH_MAX + 100];
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	char *text = NULL;
	size_t len = 0;
	if (io_read_file(NULL, path, &text, &len) != 0)
		return 0;
	const char *s = strstr(text, "secret \"");
	size_t n = s ? strcspn(s + 8, "\"") : 0;
	int ok = s && n > 0 && n < secretsz;
	if (ok)
		snprintf(secret, secretsz, "%.*s", (int)n, s + 8);
	free(text);
	return ok;
}

const char *simkeys_secret(void *ctx, const char *name)
{
	simkeys *k = ctx;
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->k[i].name, name) == 0)
			return k->k[i].secret;
	if (k->n == SIMKEYS_MAX || strlen(name) >= sizeof k->k[0].name)
		return NULL;
	char *secret = k->k[k->n].secret;
	if (!simkeys_read(k->dir, name, secret, sizeof k->k[0].secret)) {
		uint8_t raw[32];
		if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw ||
		    dns_base64_encode(raw, sizeof raw, secret, sizeof k->k[0].secret, NULL) != DNS_OK)
			return NULL;
		if (mkdir(k->dir, 0700) < 0 && errno != EEXIST)
			return NULL;
		char path[PATH_MAX + 100], text[300];
		simkeys_path(k, name, path, sizeof path);
		snprintf(text, sizeof text, "key \"%s\" {\n\talgorithm %s;\n\tsecret \"%s\";\n};\n",
			 name, RENDER_KEY_ALG, secret);
		/* Made private before the secret goes in. */
		if (io_write_new(path, "") < 0 || chmod(path, 0600) < 0 ||
		    io_write_new(path, text) < 0)
			return NULL;
	}
	snprintf(k->k[k->n].name, sizeof k->k[0].name, "%s", name);
	return k->k[k->n++].secret;
}
