/* dnsim-toml: check a TOML file the way ./sim reads topologies, and
 * print what it holds as JSON with each value's type spelled out (the
 * toml-test convention), so other parsers can be compared with ours. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml/toml.h"

static void json_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void dump(const toml_value *v)
{
	char num[64];
	switch (v->type) {
	case TOML_STRING:
		fputs("{\"type\":\"string\",\"value\":", stdout);
		json_string(v->u.s.ptr, v->u.s.len);
		putchar('}');
		break;
	case TOML_INTEGER:
		printf("{\"type\":\"integer\",\"value\":\"%lld\"}", (long long)v->u.i);
		break;
	case TOML_FLOAT:
		if (isnan(v->u.f))
			snprintf(num, sizeof num, "nan");
		else if (isinf(v->u.f))
			snprintf(num, sizeof num, "%sinf", v->u.f < 0 ? "-" : "");
		else
			snprintf(num, sizeof num, "%.17g", v->u.f);
		printf("{\"type\":\"float\",\"value\":\"%s\"}", num);
		break;
	case TOML_BOOL:
		printf("{\"type\":\"bool\",\"value\":\"%s\"}", v->u.b ? "true" : "false");
		break;
	case TOML_ARRAY:
		putchar('[');
		for (size_t i = 0; i < v->u.arr.n; i++) {
			if (i)
				putchar(',');
			dump(v->u.arr.items[i]);
		}
		putchar(']');
		break;
	case TOML_TABLE:
		putchar('{');
		for (size_t i = 0; i < v->u.tab.n; i++) {
			if (i)
				putchar(',');
			json_string(v->u.tab.kv[i].key, strlen(v->u.tab.kv[i].key));
			putchar(':');
			dump(v->u.tab.kv[i].value);
		}
		putchar('}');
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs("usage: dnsim-toml FILE\n"
		      "Parse FILE as TOML (the dialect ./sim reads topologies in) and print\n"
		      "it as typed JSON; on an error print FILE:LINE:COL: message, exit 1.\n",
		      argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			char *b = realloc(buf, cap);
			if (b == NULL) {
				fprintf(stderr, "%s: out of memory\n", argv[1]);
				free(buf);
				fclose(f);
				return 1;
			}
			buf = b;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	toml_error err;
	toml_value *root = toml_parse(buf, len, &err);
	free(buf);
	if (root == NULL) {
		fprintf(stderr, "%s:%u:%u: %s\n", argv[1], err.line, err.col, err.msg);
		return 1;
	}
	dump(root);
	putchar('\n');
	toml_free(root);
	return 0;
}
