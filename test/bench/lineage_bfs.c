/*
 * lineage_bfs.c: the physical limit for lineage queries, an in-memory breadth-first search in C
 * over the same edge list the database holds (test/bench/lineage_bench.sh).
 *
 *   lineage_bfs EDGES STARTS
 *
 * EDGES: lines "upstream downstream" (node numbers); STARTS: lines "class direction node".
 * The graph is loaded once into compressed adjacency arrays (both directions); then each start
 * is searched REPEAT times and the median and 95th percentile of one search are printed per
 * class and direction, in milliseconds: "class direction p50 p95 nodes".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPEAT 20

typedef struct { int *off, *adj; } csr;

static void build(csr *g, int n, int m, const int *from, const int *to)
{
	g->off = calloc(n + 2, sizeof(int));
	g->adj = malloc((m ? m : 1) * sizeof(int));
	for (int i = 0; i < m; i++) g->off[from[i] + 1]++;
	for (int i = 0; i < n; i++) g->off[i + 1] += g->off[i];
	int *pos = malloc((n + 1) * sizeof(int));
	memcpy(pos, g->off, (n + 1) * sizeof(int));
	for (int i = 0; i < m; i++) g->adj[pos[from[i]]++] = to[i];
	free(pos);
}

/* Returns the number of nodes reached (start excluded); seen[] holds stamps, not booleans. */
static int bfs(const csr *g, int start, int *queue, int *seen, int stamp)
{
	int head = 0, tail = 0;
	queue[tail++] = start;
	seen[start] = stamp;
	while (head < tail) {
		int v = queue[head++];
		for (int k = g->off[v]; k < g->off[v + 1]; k++) {
			int w = g->adj[k];
			if (seen[w] != stamp) { seen[w] = stamp; queue[tail++] = w; }
		}
	}
	return tail - 1;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc != 3) { fprintf(stderr, "usage: %s EDGES STARTS\n", argv[0]); return 2; }
	FILE *f = fopen(argv[1], "r");
	if (!f) { perror(argv[1]); return 1; }
	int cap = 1 << 20, m = 0, n = 0, a, b;
	int *from = malloc(cap * sizeof(int)), *to = malloc(cap * sizeof(int));
	while (fscanf(f, "%d %d", &a, &b) == 2) {
		if (m == cap) { cap *= 2; from = realloc(from, cap * sizeof(int)); to = realloc(to, cap * sizeof(int)); }
		from[m] = a; to[m] = b; m++;
		if (a + 1 > n) n = a + 1;
		if (b + 1 > n) n = b + 1;
	}
	fclose(f);
	csr down, up;
	build(&down, n, m, from, to);
	build(&up, n, m, to, from);
	int *queue = malloc(n * sizeof(int)), *seen = calloc(n, sizeof(int)), stamp = 0;

	FILE *s = fopen(argv[2], "r");
	if (!s) { perror(argv[2]); return 1; }
	char cls[32], dir[32], pcls[32] = "", pdir[32] = "";
	double t[4096];
	int nt = 0, node;
	long reached = 0, starts = 0;
	for (;;) {
		int got = fscanf(s, "%31s %31s %d", cls, dir, &node);
		if (nt > 0 && (got != 3 || strcmp(cls, pcls) || strcmp(dir, pdir))) {
			qsort(t, nt, sizeof(double), cmp);
			printf("%s %s %.4f %.4f %ld\n", pcls, pdir, t[nt / 2], t[(int) (nt * 0.95)], reached / starts);
			nt = 0; reached = 0; starts = 0;
		}
		if (got != 3) break;
		strcpy(pcls, cls); strcpy(pdir, dir);
		const csr *g = strcmp(dir, "up") == 0 ? &up : &down;
		int r = 0;
		for (int i = 0; i < REPEAT && nt < 4096; i++) {
			double t0 = now_ms();
			r = bfs(g, node, queue, seen, ++stamp);
			t[nt++] = now_ms() - t0;
		}
		reached += r; starts++;
	}
	fclose(s);
	return 0;
}
