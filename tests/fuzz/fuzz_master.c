/* libFuzzer: any bytes as a master file for example. (with $INCLUDE of a
 * second in-memory file), then the zone checks.  Every record that comes
 * out must have well-formed RDATA; nothing may crash or leak. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/zonedata.h"

struct ctx {
	const uint8_t *data;
	size_t size;
	dns_zonedata *z;
};

/* Every file name reads as the fuzzer's input (so $INCLUDE recurses into
 * it, which the depth limit must stop). */
static int read_input(void *c, const char *path, char **data, size_t *len)
{
	struct ctx *x = c;
	(void)path;
	char *b = malloc(x->size + 1);
	if (b == NULL)
		return ENOMEM;
	memcpy(b, x->data, x->size);
	b[x->size] = '\0';
	*data = b;
	*len = x->size;
	return 0;
}

static bool take(void *c, const dns_rr *rr, const char *file, unsigned line)
{
	struct ctx *x = c;
	if (dns_rdata_check(rr->type, rr->rdata, rr->rdlen) != DNS_OK)
		abort();
	return dns_zonedata_add(x->z, rr, file, line);
}

static void note(void *c, const dns_diag *d)
{
	(void)c;
	if (d->msg[0] == '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dns_zonedata z;
	dns_name origin;
	if (dns_name_from_text(&origin, "example.", 8, NULL) != DNS_OK)
		abort();
	dns_zonedata_init(&z, origin.data, DNS_C_IN);
	struct ctx x = { data, size, &z };
	dns_master_ops ops = { read_input, take, note, &x };
	if (dns_master_read("fuzz.zone", origin.data, DNS_C_IN, &ops) == 0)
		(void)dns_zonedata_finish(&z, note, &x);
	dns_zonedata_free(&z);
	return 0;
}
