// The parse floor: what libyaml alone needs to read a manifest tree. It reads every *.yaml and
// *.yml file under the folders given (whole, as the loader does), pulls every libyaml event and
// drops it, on as many threads as there are processors (the loader reads files in parallel too).
// Prints one line: files, events, wall seconds and CPU seconds of the read (the walk excluded).
#define _GNU_SOURCE
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

static char **files;
static size_t nfiles, capfiles;
static atomic_size_t next_file;
static atomic_long total_events;
static atomic_int failed;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st; (void)ftw;
    size_t n = strlen(path);
    if (type != FTW_F) return 0;
    if (!((n > 5 && !strcmp(path + n - 5, ".yaml")) || (n > 4 && !strcmp(path + n - 4, ".yml")))) return 0;
    if (nfiles == capfiles) {
        capfiles = capfiles ? capfiles * 2 : 1024;
        files = realloc(files, capfiles * sizeof *files);
    }
    files[nfiles++] = strdup(path);
    return 0;
}

static long parse_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *text = malloc(size > 0 ? size : 1);
    size_t got = fread(text, 1, size, f);
    fclose(f);
    yaml_parser_t parser;
    yaml_event_t event;
    long events = 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, text, got);
    for (;;) {
        if (!yaml_parser_parse(&parser, &event)) { events = -1; break; }
        int end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
        if (end) break;
    }
    yaml_parser_delete(&parser);
    free(text);
    return events;
}

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        size_t i = atomic_fetch_add(&next_file, 1);
        if (i >= nfiles) return NULL;
        long events = parse_file(files[i]);
        if (events < 0) { fprintf(stderr, "parse-floor: %s: cannot read or parse\n", files[i]); atomic_store(&failed, 1); }
        else atomic_fetch_add(&total_events, events);
    }
}

static double seconds(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: parse-floor DIR...\n"); return 2; }
    for (int i = 1; i < argc; i++) nftw(argv[i], collect, 64, FTW_PHYS);
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    pthread_t ids[64];
    struct timespec t0, t1;
    double c0 = cpu();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < threads; i++) pthread_create(&ids[i], NULL, worker, NULL);
    for (long i = 0; i < threads; i++) pthread_join(ids[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double c1 = cpu();
    printf("files %zu events %ld threads %ld wall %.4f cpu %.4f\n", nfiles, atomic_load(&total_events), threads,
           seconds(t1) - seconds(t0), c1 - c0);
    return atomic_load(&failed) ? 1 : 0;
}
