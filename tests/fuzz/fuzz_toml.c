/* libFuzzer: any bytes into the TOML parser; it must return a tree or an
 * error with a position inside the input, never crash or leak. */
#include <stdlib.h>
#include <string.h>

#include "toml/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	toml_error err;
	toml_value *root = toml_parse((const char *)data, size, &err);
	if (root == NULL) {
		if (err.line == 0 || err.col == 0 || err.msg[0] == '\0')
			abort();
		return 0;
	}
	if (root->type != TOML_TABLE)
		abort();
	toml_free(root);
	return 0;
}
