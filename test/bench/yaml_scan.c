/*
 * yaml_scan.c
 *	  The baseline for test/bench/yaml_bench.sh: a raw libyaml event scan of a
 *	  file (parse every event, free it, nothing else), timed with
 *	  clock_gettime over N runs. Prints bytes, best and median seconds, and
 *	  MB/s for both, on one line.
 *
 *	  usage: yaml_scan FILE [RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* Scans the whole input once; returns the number of events, or -1. */
static long
scan(const unsigned char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t event;
	long		events = 0;
	int			done = 0;

	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, buf, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done)
	{
		if (!yaml_parser_parse(&parser, &event))
		{
			fprintf(stderr, "yaml_scan: %s at line %zu\n",
					parser.problem ? parser.problem : "error",
					parser.problem_mark.line + 1);
			yaml_parser_delete(&parser);
			return -1;
		}
		done = (event.type == YAML_STREAM_END_EVENT);
		yaml_event_delete(&event);
		events++;
	}
	yaml_parser_delete(&parser);
	return events;
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	unsigned char *buf;
	long		size;
	int			runs = argc > 2 ? atoi(argv[2]) : 15;
	double	   *t;
	long		events = 0;

	if (argc < 2 || runs < 1)
	{
		fprintf(stderr, "usage: yaml_scan FILE [RUNS]\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
	{
		perror(argv[1]);
		return 1;
	}
	rewind(f);
	buf = malloc(size + 1);
	t = malloc(sizeof(double) * runs);
	if (buf == NULL || t == NULL || fread(buf, 1, size, f) != (size_t) size)
	{
		perror(argv[1]);
		return 1;
	}
	fclose(f);

	for (int i = 0; i < runs; i++)
	{
		double		start = now();

		events = scan(buf, size);
		t[i] = now() - start;
		if (events < 0)
			return 1;
	}
	qsort(t, runs, sizeof(double), cmp_double);
	printf("bytes=%ld events=%ld best_s=%.6f median_s=%.6f best_mbs=%.2f median_mbs=%.2f\n",
		   size, events, t[0], t[runs / 2],
		   size / 1e6 / t[0], size / 1e6 / t[runs / 2]);
	free(buf);
	free(t);
	return 0;
}
