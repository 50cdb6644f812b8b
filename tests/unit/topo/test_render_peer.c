/* Choosing a program's renderer; the shared pieces: files, words, the
 * blocklist as a response-policy zone. */
#include "check.h"
#include "peers.h"

static void test_ours_is_not_rendered_here(void)
{
	topo t;
	peer_files f;
	char err[256] = "";
	CHECK(!peers_render(&t, "plain", SW_DNSIM, &f, err, sizeof err));
	CHECK_STR(err, "node plain runs our own server: nothing to render here");
	CHECK_INT(f.nfiles, 0);
	topo_free(&t);
}

static void test_words_and_files_are_bounded(void)
{
	peer_files f = { 0 };
	char err[64];
	for (int i = 0; i < PEER_ARGS_MAX; i++)
		CHECK(peer_add_args(&f, err, sizeof err, "w", (char *)NULL));
	CHECK(!peer_add_args(&f, err, sizeof err, "one too many", (char *)NULL));
	CHECK_INT(f.argc, PEER_ARGS_MAX);
	CHECK(f.argv[PEER_ARGS_MAX] == NULL);
	for (int i = 0; i < PEER_FILES_MAX; i++) {
		char *text = strdup("x");
		CHECK(peer_add_file(&f, "f", text, err, sizeof err));
	}
	CHECK(!peer_add_file(&f, "f", strdup("x"), err, sizeof err));
	CHECK(!peer_add_file(&f, "f", NULL, err, sizeof err));
	peer_files_free(&f);
	CHECK_INT(f.nfiles, 0);
}

static void test_rpz(void)
{
	topo t;
	char err[256];
	CHECK(topo_parse(&t, "p.toml", peers_topology, strlen(peers_topology), err, sizeof err));
	char *rpz = render_rpz(topo_node_find(&t, "open"), err, sizeof err);
	CHECK(rpz && strstr(rpz, "\n@ SOA localhost. "));
	CHECK(rpz && strstr(rpz, "\nads.example.net CNAME .\n*.ads.example.net CNAME .\n"));
	CHECK(rpz && strstr(rpz, "\ntracker.example.org CNAME .\n"));
	free(rpz);
	topo_free(&t);
}

int main(void)
{
	RUN(test_ours_is_not_rendered_here);
	RUN(test_words_and_files_are_bounded);
	RUN(test_rpz);
	return check_summary("render_peer");
}
