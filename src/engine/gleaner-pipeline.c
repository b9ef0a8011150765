/* gleaner-pipeline.c: the concurrent fetch -> parse -> deliver pipeline of one run
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "gleaner-engine.h"
#include "gleaner-fetcher.h"
#include "gleaner-result-private.h"
#include "gleaner-sync-private.h"
#include "gleaner-title-parser.h"
#include "gleaner-pipeline.h"

/*
 * Threads and hand-offs
 *
 *   owner thread ── add() ──► host scheduler ◄─► GThreadPool (fetch workers)
 *                                                    │ GleanerPage (owned)
 *                                                    ▼
 *                                     GAsyncQueue `pages` (at most max_in_flight)
 *                                                    │
 *                                                    ▼
 *                                          parser threads (libxml2)
 *                                                    │ GleanerResult (owned)
 *                                                    ▼
 *                         `batch` ──► one GSource on the owner's GMainContext
 *                                                    │
 *   owner thread ◄── ::results (many per emission) ◄─┘
 *
 * The scheduler hands a target to the pool only when a thread is idle; busy
 * threads ask it for their next one as they finish (core_next_job).
 *
 * Everything the threads share lives in a Core, reference counted, so that
 * the GObject (owner thread only) can go away at once while a reaper thread
 * joins the workers in the background: cancelling never waits for a worker
 * stuck in a system call (getaddrinfo cannot be cancelled).
 */

typedef struct _Core Core;
typedef struct _HostSlot HostSlot;

/* One target on its way to a fetch worker. Owned by whoever holds it: its
 * host's queue, then the thread pool's queue, then the worker running it. */
typedef struct
{
  guint64   id;
  guint64   seq;              /* arrival order, for oldest-first choices */
  char     *url;
  GUri     *uri;
  char     *host;
  HostSlot *slot;             /* borrowed: a host outlives its waiting and running targets */
} Job;

/* One host: requests in flight to it, targets waiting for a thread, and how
 * many fetch threads hold a keep-alive connection to it. A host with waiting
 * targets and a free slot under its cap is "ready" and sits in one of the
 * Core's ready queues. Guarded by Core.sched_lock; owned by Core.hosts. */
struct _HostSlot
{
  char     *name;             /* the key in Core.hosts */
  guint     active;
  guint     n_warm;           /* threads with this host in their warm list */
  GQueue    waiting;          /* Job *, oldest first */
  GQueue   *ready;            /* &Core.ready_cold, &Core.ready_warm or NULL */
  GList     ready_link;
};

/* libsoup closes every idle connection of a session that reaches its
 * max-conns, so a thread never remembers more hosts than that. */
#define WARM_HOSTS GLEANER_FETCHER_MAX_CONNS

/* A fetch thread's state, owned by the Core (freed by its reaper). */
typedef struct
{
  GleanerFetcher *fetcher;

  /* Hosts this thread fetched from last, most recent first: its session
   * probably still holds an idle keep-alive connection to each. Read and
   * written by the thread itself, under Core.sched_lock. */
  HostSlot       *warm[WARM_HOSTS];
  guint           n_warm;
} ThreadSlot;

/* What a thread remembers between jobs, owned by the thread itself (freed
 * when it exits): GLib may hand a thread of a freed pool to a later pool, so
 * the slot pointer is only trusted when the serial is the running Core's. */
typedef struct
{
  guint64     serial;
  ThreadSlot *slot;
} ThreadMemo;

struct _Core
{
  gatomicrefcount  ref_count;
  guint64          serial;            /* unique per Core, never reused */
  GleanerConfig   *config;            /* immutable */
  GMainContext    *owner_context;
  GWeakRef         pipeline;          /* for the delivery source, on the owner thread */
  gint             cancelled;         /* atomic */

  GThreadPool     *pool;

  /* Guards `fetchers` (every ThreadSlot ever made). */
  GMutex           fetchers_lock;
  GPtrArray       *fetchers;

  /* Guards `hosts` (host name -> HostSlot), the ready queues of hosts
   * (HostSlot *, in the order they became ready: `ready_cold` holds hosts no
   * thread has or is opening a connection to, `ready_warm` the others),
   * `next_seq`, the threads' warm lists and `n_running` (worker loops started
   * and not yet ended: a thread is idle when fewer than n_workers run). */
  GMutex           sched_lock;
  GHashTable      *hosts;
  GQueue           ready_cold;
  GQueue           ready_warm;
  guint64          next_seq;
  guint            n_running;

  GAsyncQueue     *pages;
  GPtrArray       *parsers;           /* GThread *, created and joined by the Core's owner */

  /* Pages pushed but not yet parsed; fetchers wait at max_in_flight. */
  GMutex           flight_lock;
  GCond            flight_cond;
  guint            in_flight;
  guint            max_in_flight;
  guint            flight_waiters;    /* GLib's g_cond_signal() always makes a syscall */

  /* Watchdog: enforces per-URL deadlines a few times a second. */
  GThread         *watchdog;
  GMutex           watch_lock;
  GCond            watch_cond;
  gboolean         watch_stop;

  /* Results waiting for the next delivery, and the source that will deliver
   * them (non-NULL while scheduled). Guarded by deliver_lock. */
  GMutex           deliver_lock;
  GPtrArray       *batch;
  GSource         *deliver_source;
};

struct _GleanerPipeline
{
  GObject   parent_instance;

  /* Owned */
  Core     *core;

  /* Owner-thread state */
  guint64   n_added;
  guint64   n_done;
  guint64   n_succeeded;
  guint64   n_failed;
  guint     closed : 1;
  guint     finished : 1;
  guint     cancelled : 1;
  guint     reaping : 1;
};

G_DEFINE_FINAL_TYPE (GleanerPipeline, gleaner_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_N_ADDED,
  PROP_N_DONE,
  PROP_N_SUCCEEDED,
  PROP_N_FAILED,
  PROP_RUNNING,
  PROP_CANCELLED,
  N_PROPS
};

enum {
  RESULTS,
  FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A parser thread stops when it pops this (GAsyncQueue items cannot be NULL). */
static int stop_sentinel;
#define STOP_PAGE ((gpointer)&stop_sentinel)

static GPrivate thread_memo_key = G_PRIVATE_INIT (g_free);
static guint64 next_serial;         /* guarded by reapers_lock */

/* Reapers still running, for gleaner_pipeline_wait_for_threads(). */
static GMutex reapers_lock;
static GCond reapers_cond;
static guint n_reapers;

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job == NULL)
    return;
  g_free (job->url);
  g_clear_pointer (&job->uri, g_uri_unref);
  g_free (job->host);
  g_free (job);
}

static void
host_slot_free (gpointer data)
{
  HostSlot *slot = data;

  g_queue_clear_full (&slot->waiting, job_free);
  g_free (slot->name);
  g_free (slot);
}

static Core *
core_ref (Core *core)
{
  g_atomic_ref_count_inc (&core->ref_count);
  return core;
}

static void
core_unref (gpointer data)
{
  Core *core = data;

  if (!gleaner_atomic_ref_count_dec (&core->ref_count))
    return;

  /* Only the reaper's (or a never-started core's) last reference gets here:
   * every thread has been joined. */
  g_clear_pointer (&core->config, gleaner_config_free);
  g_clear_pointer (&core->owner_context, g_main_context_unref);
  g_weak_ref_clear (&core->pipeline);
  g_clear_pointer (&core->fetchers, g_ptr_array_unref);
  g_clear_pointer (&core->hosts, g_hash_table_unref);
  g_clear_pointer (&core->pages, g_async_queue_unref);
  g_clear_pointer (&core->parsers, g_ptr_array_unref);
  g_clear_pointer (&core->batch, g_ptr_array_unref);
  g_mutex_clear (&core->fetchers_lock);
  g_mutex_clear (&core->sched_lock);
  g_mutex_clear (&core->flight_lock);
  g_cond_clear (&core->flight_cond);
  g_mutex_clear (&core->watch_lock);
  g_cond_clear (&core->watch_cond);
  g_mutex_clear (&core->deliver_lock);
  g_free (core);
}

static inline gboolean
core_is_cancelled (Core *core)
{
  return g_atomic_int_get (&core->cancelled);
}

static void
thread_slot_free (gpointer data)
{
  ThreadSlot *slot = data;

  gleaner_fetcher_free (slot->fetcher);
  g_free (slot);
}

/* ---- delivery (any thread -> owner thread) ---------------------------------- */

static gboolean deliver_cb (gpointer data);

/* Queues @result (transfer full) for the next delivery. The producing thread
 * hands over its last reference, so a delivered result is only ever unreferenced
 * on the owner thread: its fields are written by one thread at a time and
 * never freed under a reader (the batch and deliver_lock are the hand-off). */
static void
core_deliver (Core          *core,
              GleanerResult *result)
{
  if (core_is_cancelled (core))
    {
      g_object_unref (result);
      return;
    }

  gleaner_mutex_lock (&core->deliver_lock);
  g_ptr_array_add (core->batch, result);
  if (core->deliver_source == NULL)
    {
      GSource *source;

      if (core->config->delivery_interval_ms > 0)
        source = g_timeout_source_new (core->config->delivery_interval_ms);
      else
        source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (source, "[gleaner] deliver results");
      g_source_set_callback (source, deliver_cb, core_ref (core), core_unref);
      core->deliver_source = source;
      g_source_attach (source, core->owner_context);
    }
  gleaner_mutex_unlock (&core->deliver_lock);
}

static void gleaner_pipeline_apply_batch (GleanerPipeline *self,
                                          GPtrArray       *batch);
static void gleaner_pipeline_start_reaper (GleanerPipeline *self);

static gboolean
deliver_cb (gpointer data)
{
  Core *core = data;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GleanerPipeline) pipeline = NULL;
  GSource *source;

  gleaner_mutex_lock (&core->deliver_lock);
  batch = g_steal_pointer (&core->batch);
  core->batch = g_ptr_array_new_with_free_func (g_object_unref);
  source = g_steal_pointer (&core->deliver_source);
  gleaner_mutex_unlock (&core->deliver_lock);
  g_source_unref (source);

  /* Stale deliveries are dropped: the run was cancelled, or its pipeline is gone. */
  pipeline = g_weak_ref_get (&core->pipeline);
  if (pipeline != NULL && !core_is_cancelled (core) && batch->len > 0)
    {
      for (guint i = 0; i < batch->len; i++)
        _gleaner_result_move_to_owner (g_ptr_array_index (batch, i));
      gleaner_pipeline_apply_batch (pipeline, batch);
    }

  return G_SOURCE_REMOVE;
}

/* ---- scheduling: per-host caps ---------------------------------------------- */

static void
core_push_job (Core *core,
               Job  *job)
{
  g_autoptr(GError) error = NULL;

  GLEANER_HAPPENS_BEFORE (job);
  if (!g_thread_pool_push (core->pool, job, &error))
    {
      g_warning ("cannot queue %s: %s", job->url, error->message);
      job_free (job);
    }
}

/* Puts @slot in the ready queue it belongs in (or none), and forgets the host
 * once nothing refers to it any more, so a list of a million hosts does not
 * grow the table. @slot may be freed on return. */
static void
host_update (Core     *core,
             HostSlot *slot)
{
  GQueue *want = NULL;

  /* A host being fetched from counts as warm: its first connection may still
   * be opening. */
  if (!g_queue_is_empty (&slot->waiting) && slot->active < core->config->per_host)
    want = slot->n_warm > 0 || slot->active > 0 ? &core->ready_warm : &core->ready_cold;
  if (slot->ready != want)
    {
      if (slot->ready != NULL)
        g_queue_unlink (slot->ready, &slot->ready_link);
      if (want != NULL)
        g_queue_push_tail_link (want, &slot->ready_link);
      slot->ready = want;
    }
  if (want == NULL && slot->active == 0 && slot->n_warm == 0 && g_queue_is_empty (&slot->waiting))
    g_hash_table_remove (core->hosts, slot->name);
}

/* Starts @slot's oldest waiting target. The host goes to the back of its
 * ready queue, so that ready hosts take turns. */
static Job *
host_take (Core     *core,
           HostSlot *slot)
{
  Job *job = g_queue_pop_head (&slot->waiting);

  g_assert (job != NULL && slot->active < core->config->per_host);
  slot->active++;
  if (slot->ready != NULL)
    {
      g_queue_unlink (slot->ready, &slot->ready_link);
      slot->ready = NULL;
    }
  host_update (core, slot);

  return job;
}

/* Arrival order of the oldest target waiting for @slot (it has one). */
static guint64
host_head_seq (HostSlot *slot)
{
  return ((Job *)g_queue_peek_head (&slot->waiting))->seq;
}

/* @thread has just used a connection to @slot: move the host to the front of
 * its warm list, dropping the least recent one when the list is full. */
static void
thread_touch_host (Core       *core,
                   ThreadSlot *thread,
                   HostSlot   *slot)
{
  guint i;

  for (i = 0; i < thread->n_warm && thread->warm[i] != slot; i++)
    ;
  if (i == thread->n_warm)
    {
      if (thread->n_warm == WARM_HOSTS)
        {
          HostSlot *oldest = thread->warm[--thread->n_warm];

          oldest->n_warm--;
          host_update (core, oldest);
        }
      slot->n_warm++;
      i = thread->n_warm++;
    }
  memmove (&thread->warm[1], &thread->warm[0], i * sizeof thread->warm[0]);
  thread->warm[0] = slot;
}

/* Owner thread: queue @job. It is handed to an idle pool thread at once if
 * there is one and its host is under its cap; otherwise it waits for the
 * next thread to finish a request (core_next_job). */
static void
core_schedule (Core *core,
               Job  *job)
{
  HostSlot *slot;
  Job *run = NULL;

  gleaner_mutex_lock (&core->sched_lock);
  slot = g_hash_table_lookup (core->hosts, job->host);
  if (slot == NULL)
    {
      slot = g_new0 (HostSlot, 1);
      slot->name = g_strdup (job->host);
      g_queue_init (&slot->waiting);
      slot->ready_link.data = slot;
      g_hash_table_insert (core->hosts, slot->name, slot);
    }
  job->slot = slot;
  job->seq = core->next_seq++;
  g_queue_push_tail (&slot->waiting, job);
  /* Only a thread that is idle now gets a target pushed to it: one pushed
   * behind busy threads would go to whichever finishes first, which rarely
   * holds a connection to its host. */
  if (core->n_running < core->config->n_workers && slot->active < core->config->per_host)
    {
      run = host_take (core, slot);
      core->n_running++;
    }
  else
    {
      host_update (core, slot);
    }
  gleaner_mutex_unlock (&core->sched_lock);

  if (run != NULL)
    core_push_job (core, run);
}

/* Fetch thread: @done has finished on @thread (%NULL if the thread never
 * fetched it). Returns the target the thread runs next, or %NULL when none is
 * ready and the thread goes back to the pool.
 *
 * Each thread has its own libsoup session, so a target costs one round trip
 * less on a thread that holds a connection to its host. The thread takes, in
 * this order: the oldest ready target of a host it holds a connection to; a
 * target of a host no thread holds a connection to (which costs a connect
 * wherever it runs); rather than stay idle, a target of the host with the
 * longest queue among those another thread holds a connection to. */
static Job *
core_next_job (Core       *core,
               ThreadSlot *thread,
               Job        *done)
{
  HostSlot *slot = done->slot;
  HostSlot *best = NULL;
  Job *next = NULL;

  gleaner_mutex_lock (&core->sched_lock);
  slot->active--;
  if (thread != NULL)
    thread_touch_host (core, thread, slot);
  host_update (core, slot);

  if (!core_is_cancelled (core))
    {
      for (guint i = 0; thread != NULL && i < thread->n_warm; i++)
        {
          HostSlot *warm = thread->warm[i];

          if (warm->ready != NULL && (best == NULL || host_head_seq (warm) < host_head_seq (best)))
            best = warm;
        }
      if (best == NULL && core->ready_cold.head != NULL)
        best = core->ready_cold.head->data;
      /* A second connection goes where it helps most: to the host with the
       * longest queue. Only hosts in the threads' warm lists or being
       * fetched from are warm, so the scan is short. */
      for (GList *l = best == NULL ? core->ready_warm.head : NULL; l != NULL; l = l->next)
        {
          HostSlot *warm = l->data;

          if (best == NULL || warm->waiting.length > best->waiting.length)
            best = warm;
        }
      if (best != NULL)
        next = host_take (core, best);
    }
  if (next == NULL)
    core->n_running--;
  gleaner_mutex_unlock (&core->sched_lock);

  return next;
}

/* ---- fetch workers ---------------------------------------------------------- */

static ThreadSlot *
core_get_thread_slot (Core *core)
{
  ThreadMemo *memo = g_private_get (&thread_memo_key);
  ThreadSlot *slot;

  if (memo != NULL && memo->serial == core->serial)
    return memo->slot;
  if (memo == NULL)
    {
      memo = g_new0 (ThreadMemo, 1);
      g_private_set (&thread_memo_key, memo);
    }

  slot = g_new0 (ThreadSlot, 1);
  slot->fetcher = gleaner_fetcher_new (core->config);
  memo->serial = core->serial;
  memo->slot = slot;

  gleaner_mutex_lock (&core->fetchers_lock);
  g_ptr_array_add (core->fetchers, slot);
  if (core_is_cancelled (core))
    gleaner_fetcher_stop (slot->fetcher);
  gleaner_mutex_unlock (&core->fetchers_lock);

  return slot;
}

static gboolean
core_acquire_flight (Core *core)
{
  gboolean ok;

  gleaner_mutex_lock (&core->flight_lock);
  while (core->in_flight >= core->max_in_flight && !core_is_cancelled (core))
    {
      core->flight_waiters++;
      gleaner_cond_wait (&core->flight_cond, &core->flight_lock);
      core->flight_waiters--;
    }
  ok = !core_is_cancelled (core);
  if (ok)
    core->in_flight++;
  gleaner_mutex_unlock (&core->flight_lock);

  return ok;
}

static void
core_release_flight (Core *core)
{
  gleaner_mutex_lock (&core->flight_lock);
  core->in_flight--;
  if (core->flight_waiters > 0)
    g_cond_signal (&core->flight_cond);
  gleaner_mutex_unlock (&core->flight_lock);
}

static void
fetch_worker (gpointer data,
              gpointer user_data)
{
  Job *job = data;
  Core *core = user_data;

  GLEANER_HAPPENS_AFTER (job);
  while (job != NULL)
    {
      ThreadSlot *slot = NULL;
      Job *next;

      if (!core_is_cancelled (core))
        {
          g_autoptr(GleanerResult) result = gleaner_result_new_for_url (job->id, job->url);
          GleanerPage *page;

          slot = core_get_thread_slot (core);
          page = gleaner_fetcher_fetch (slot->fetcher, result, job->uri);
          if (page != NULL)
            {
              /* Hand-off: the page (and its result, which the page references
               * from now on) belongs to the queue. */
              g_clear_object (&result);
              if (core_acquire_flight (core))
                gleaner_async_queue_push (core->pages, page);
              else
                gleaner_page_free (page);
            }
          else
            {
              core_deliver (core, g_steal_pointer (&result));
            }
        }

      next = core_next_job (core, slot, job);
      job_free (job);
      job = next;
    }

  /* The reaper frees what this worker touched once the pool is freed. */
  GLEANER_HAPPENS_BEFORE (core);
}

/* ---- parser threads --------------------------------------------------------- */

static void
finish_parsed_result (Core             *core,
                      GleanerPage      *page,
                      GleanerPageFacts *facts)
{
  GleanerResult *result = page->result;
  gboolean has_title = facts->has_title;
  GleanerContentClass klass = gleaner_title_parser_classify (page->content_type);

  _gleaner_result_take_facts (result, facts);

  if (has_title)
    return;

  if (gleaner_result_get_truncated (result))
    {
      g_autofree char *cap = g_format_size_full (core->config->max_body, G_FORMAT_SIZE_IEC_UNITS);
      g_autofree char *message =
        g_strdup_printf (_("The page is larger than %s and has no title in its first %s"), cap, cap);
      _gleaner_result_set_error (result, GLEANER_ERROR_TOO_LARGE, message);
    }
  else if (klass == GLEANER_CONTENT_UNKNOWN && gleaner_result_get_encoding_source (result) == GLEANER_ENCODING_SOURCE_NONE)
    {
      _gleaner_result_set_error (result, GLEANER_ERROR_NOT_HTML,
                                 _("Not an HTML page (no Content-Type, and the body is not markup)"));
    }
  else if (klass == GLEANER_CONTENT_XML)
    {
      _gleaner_result_set_error (result, GLEANER_ERROR_NO_TITLE,
                                 _("The XML document has no title (or is not well-formed)"));
    }
  else
    {
      _gleaner_result_set_error (result, GLEANER_ERROR_NO_TITLE, _("The page has no title"));
    }
}

static gpointer
parser_thread (gpointer data)
{
  Core *core = data;
  g_autoptr(GleanerTitleParser) parser = gleaner_title_parser_new ();

  for (;;)
    {
      gpointer item = gleaner_async_queue_pop (core->pages);
      GleanerPage *page = item;

      if (item == STOP_PAGE)
        break;

      if (!core_is_cancelled (core))
        {
          GleanerPageFacts *facts;

          /* A fetch worker that stopped reading early has parsed these very
           * bytes already, with the same arguments. */
          if (page->facts != NULL)
            facts = g_steal_pointer (&page->facts);
          else
            facts = gleaner_title_parser_parse (parser, page->body, page->len, page->content_type,
                                                gleaner_result_get_final_url (page->result),
                                                core->config->fields);
          finish_parsed_result (core, page, facts);
          _gleaner_result_set_elapsed (page->result,
                                       (g_get_monotonic_time () - page->started) / (double)G_USEC_PER_SEC);
          core_deliver (core, g_steal_pointer (&page->result));
        }
      gleaner_page_free (page);
      core_release_flight (core);
    }

  return NULL;
}

/* ---- watchdog --------------------------------------------------------------- */

/* Deadlines are checked every 100 ms by one thread rather than with a timer per
 * request: no per-request wake-ups, at the price of ±0.1 s precision. */
#define WATCHDOG_PERIOD_US (100 * 1000)

static gpointer
watchdog_thread (gpointer data)
{
  Core *core = data;

  gleaner_mutex_lock (&core->watch_lock);
  while (!core->watch_stop)
    {
      gint64 now;

      gleaner_cond_wait_until (&core->watch_cond, &core->watch_lock,
                         g_get_monotonic_time () + WATCHDOG_PERIOD_US);
      if (core->watch_stop)
        break;
      gleaner_mutex_unlock (&core->watch_lock);

      now = g_get_monotonic_time ();
      gleaner_mutex_lock (&core->fetchers_lock);
      for (guint i = 0; i < core->fetchers->len; i++)
        {
          ThreadSlot *slot = g_ptr_array_index (core->fetchers, i);
          gleaner_fetcher_check_deadline (slot->fetcher, now);
        }
      gleaner_mutex_unlock (&core->fetchers_lock);

      gleaner_mutex_lock (&core->watch_lock);
    }
  gleaner_mutex_unlock (&core->watch_lock);

  return NULL;
}

/* ---- reaper: joins every thread of a Core, off the owner thread ------------- */

static gpointer
reaper_thread (gpointer data)
{
  Core *core = data;
  gpointer item;

  gleaner_mutex_lock (&core->watch_lock);
  core->watch_stop = TRUE;
  g_cond_signal (&core->watch_cond);
  gleaner_mutex_unlock (&core->watch_lock);
  g_thread_join (core->watchdog);
  core->watchdog = NULL;

  /* Drops queued jobs (job_free) and waits for the running ones, which return
   * promptly once cancelled: every blocking call they make is cancellable or
   * bounded by the deadline. */
  g_thread_pool_free (core->pool, TRUE, TRUE);
  core->pool = NULL;
  GLEANER_HAPPENS_AFTER (core);

  for (guint i = 0; i < core->parsers->len; i++)
    gleaner_async_queue_push (core->pages, STOP_PAGE);
  for (guint i = 0; i < core->parsers->len; i++)
    g_thread_join (g_ptr_array_index (core->parsers, i));
  g_ptr_array_set_size (core->parsers, 0);

  while ((item = g_async_queue_try_pop (core->pages)) != NULL)
    if (item != STOP_PAGE)
      gleaner_page_free (item);

  gleaner_mutex_lock (&core->fetchers_lock);
  g_ptr_array_set_free_func (core->fetchers, thread_slot_free);
  g_ptr_array_set_size (core->fetchers, 0);
  gleaner_mutex_unlock (&core->fetchers_lock);

  core_unref (core);

  gleaner_mutex_lock (&reapers_lock);
  n_reapers--;
  g_cond_broadcast (&reapers_cond);
  gleaner_mutex_unlock (&reapers_lock);

  return NULL;
}

static void
gleaner_pipeline_start_reaper (GleanerPipeline *self)
{
  if (self->reaping)
    return;
  self->reaping = TRUE;

  gleaner_mutex_lock (&reapers_lock);
  n_reapers++;
  gleaner_mutex_unlock (&reapers_lock);

  g_thread_unref (g_thread_new ("gleaner-reaper", reaper_thread, core_ref (self->core)));
}

/* Stops the Core's threads from doing any more work (any state). */
static void
core_stop (Core *core)
{
  g_atomic_int_set (&core->cancelled, TRUE);

  gleaner_mutex_lock (&core->fetchers_lock);
  for (guint i = 0; i < core->fetchers->len; i++)
    {
      ThreadSlot *slot = g_ptr_array_index (core->fetchers, i);
      gleaner_fetcher_stop (slot->fetcher);
    }
  gleaner_mutex_unlock (&core->fetchers_lock);

  gleaner_mutex_lock (&core->flight_lock);
  g_cond_broadcast (&core->flight_cond);
  gleaner_mutex_unlock (&core->flight_lock);

  gleaner_mutex_lock (&core->deliver_lock);
  g_ptr_array_set_size (core->batch, 0);
  gleaner_mutex_unlock (&core->deliver_lock);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
gleaner_pipeline_apply_batch (GleanerPipeline *self,
                              GPtrArray       *batch)
{
  GObject *object = G_OBJECT (self);
  guint64 succeeded = 0;

  for (guint i = 0; i < batch->len; i++)
    if (gleaner_result_get_succeeded (g_ptr_array_index (batch, i)))
      succeeded++;

  self->n_done += batch->len;
  self->n_succeeded += succeeded;
  self->n_failed += batch->len - succeeded;

  g_object_freeze_notify (object);
  if (batch->len > 0)
    g_signal_emit (self, signals[RESULTS], 0, batch);
  /* A handler may have cancelled the run. */
  if (!self->cancelled)
    {
      g_object_notify_by_pspec (object, properties[PROP_N_DONE]);
      if (succeeded > 0)
        g_object_notify_by_pspec (object, properties[PROP_N_SUCCEEDED]);
      if (succeeded < batch->len)
        g_object_notify_by_pspec (object, properties[PROP_N_FAILED]);
    }
  g_object_thaw_notify (object);

  if (!self->cancelled && self->closed && !self->finished && self->n_done == self->n_added)
    {
      self->finished = TRUE;
      gleaner_pipeline_start_reaper (self);
      g_object_notify_by_pspec (object, properties[PROP_RUNNING]);
      g_signal_emit (self, signals[FINISHED], 0);
    }
}

static void
gleaner_pipeline_dispose (GObject *object)
{
  GleanerPipeline *self = (GleanerPipeline *)object;

  if (self->core != NULL)
    {
      if (!self->finished)
        core_stop (self->core);
      gleaner_pipeline_start_reaper (self);
      g_clear_pointer (&self->core, core_unref);
    }

  G_OBJECT_CLASS (gleaner_pipeline_parent_class)->dispose (object);
}

static void
gleaner_pipeline_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GleanerPipeline *self = GLEANER_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_N_ADDED:     g_value_set_uint64 (value, self->n_added); break;
    case PROP_N_DONE:      g_value_set_uint64 (value, self->n_done); break;
    case PROP_N_SUCCEEDED: g_value_set_uint64 (value, self->n_succeeded); break;
    case PROP_N_FAILED:    g_value_set_uint64 (value, self->n_failed); break;
    case PROP_RUNNING:     g_value_set_boolean (value, gleaner_pipeline_get_running (self)); break;
    case PROP_CANCELLED:   g_value_set_boolean (value, self->cancelled); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_pipeline_class_init (GleanerPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = gleaner_pipeline_dispose;
  object_class->get_property = gleaner_pipeline_get_property;

  properties[PROP_N_ADDED] = g_param_spec_uint64 ("n-added", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_DONE] = g_param_spec_uint64 ("n-done", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_SUCCEEDED] = g_param_spec_uint64 ("n-succeeded", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint64 ("n-failed", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, TRUE, flags);
  properties[PROP_CANCELLED] = g_param_spec_boolean ("cancelled", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * GleanerPipeline::results:
   * @self: the pipeline
   * @results: (element-type GleanerResult) (transfer none): a batch of results
   *
   * Emitted on the owner's thread with every result that arrived since the
   * last emission. Never emitted after gleaner_pipeline_cancel().
   */
  signals[RESULTS] = g_signal_new ("results",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY);

  /**
   * GleanerPipeline::finished:
   * @self: the pipeline
   *
   * Emitted once, after gleaner_pipeline_close(), when every target added has
   * its result. Not emitted for a cancelled run.
   */
  signals[FINISHED] = g_signal_new ("finished",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
gleaner_pipeline_init (GleanerPipeline *self)
{
}

/**
 * gleaner_pipeline_new:
 * @config: the run's settings (copied)
 *
 * Creates a pipeline and starts its threads: @config->n_workers fetch workers,
 * @config->n_parsers parser threads (one per core when 0) and a watchdog.
 * The calling thread's thread-default main context (or the global default)
 * receives every result: call this on the thread that will own the run.
 *
 * Returns: (transfer full): a new running pipeline
 */
GleanerPipeline *
gleaner_pipeline_new (const GleanerConfig *config)
{
  GleanerPipeline *self;
  Core *core;
  g_autoptr(GError) error = NULL;
  guint n_parsers;

  g_return_val_if_fail (config != NULL, NULL);

  /* On the owner thread, before this pipeline's threads exist. */
  gleaner_engine_init ();

  self = g_object_new (GLEANER_TYPE_PIPELINE, NULL);
  core = g_new0 (Core, 1);
  g_atomic_ref_count_init (&core->ref_count);
  gleaner_mutex_lock (&reapers_lock);
  core->serial = ++next_serial;
  gleaner_mutex_unlock (&reapers_lock);
  core->config = gleaner_config_copy (config);
  core->config->n_workers = CLAMP (core->config->n_workers, 1, 1024);
  core->config->per_host = MAX (core->config->per_host, 1);
  core->config->deadline = MAX (core->config->deadline, 0.1);
  core->config->timeout = MAX (core->config->timeout, 0.1);
  core->config->max_body = MAX (core->config->max_body, 1024);
  n_parsers = config->n_parsers > 0 ? config->n_parsers : g_get_num_processors ();
  n_parsers = CLAMP (n_parsers, 1, 256);
  core->config->n_parsers = n_parsers;
  core->max_in_flight = config->max_pages_in_flight > 0
                        ? config->max_pages_in_flight
                        : MAX (8, 4 * n_parsers);
  core->owner_context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&core->pipeline, self);
  g_mutex_init (&core->fetchers_lock);
  g_mutex_init (&core->sched_lock);
  g_mutex_init (&core->flight_lock);
  g_cond_init (&core->flight_cond);
  g_mutex_init (&core->watch_lock);
  g_cond_init (&core->watch_cond);
  g_mutex_init (&core->deliver_lock);
  core->fetchers = g_ptr_array_new ();
  core->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, host_slot_free);
  g_queue_init (&core->ready_cold);
  g_queue_init (&core->ready_warm);
  core->pages = g_async_queue_new ();
  core->parsers = g_ptr_array_new ();
  core->batch = g_ptr_array_new_with_free_func (g_object_unref);
  self->core = core;

  /* Exclusive: the threads are ours for the run, each keeping its own libsoup
   * session and connections (see gleaner-fetcher.c). */
  core->pool = g_thread_pool_new_full (fetch_worker, core, job_free,
                                       core->config->n_workers, TRUE, &error);
  if (core->pool == NULL)
    g_error ("cannot start fetch threads: %s", error->message);

  for (guint i = 0; i < n_parsers; i++)
    g_ptr_array_add (core->parsers, g_thread_new ("gleaner-parser", parser_thread, core));
  core->watchdog = g_thread_new ("gleaner-watchdog", watchdog_thread, core);

  return self;
}

/**
 * gleaner_pipeline_get_config:
 * @self: a pipeline
 *
 * Returns: (transfer none): the effective settings (defaults resolved)
 */
const GleanerConfig *
gleaner_pipeline_get_config (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->core != NULL, NULL);

  return self->core->config;
}

static char *
describe_invalid (const char *url,
                  GUri       *uri)
{
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL)
    return g_strdup (_("Not a valid URL"));
  if (scheme == NULL || (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    return g_strdup_printf (_("Unsupported scheme “%s”: only http and https links can be fetched"),
                            scheme ? scheme : "");
  return g_strdup (_("The URL has no host"));
}

/**
 * gleaner_pipeline_add:
 * @self: a pipeline that is neither closed nor cancelled
 * @id: the caller's id for this target, carried by its result
 * @url: an http or https URL
 *
 * Queues one target. Its result arrives later through ::results, even when
 * @url cannot be fetched at all (%GLEANER_ERROR_INVALID_URL). Owner thread only.
 */
void
gleaner_pipeline_add (GleanerPipeline *self,
                      guint64          id,
                      const char      *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;
  Job *job;

  g_return_if_fail (GLEANER_IS_PIPELINE (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (!self->closed);

  if (self->cancelled)
    return;

  self->n_added++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ADDED]);

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  host = uri ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || scheme == NULL || host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_autoptr(GleanerResult) result = gleaner_result_new_for_url (id, url);
      g_autofree char *message = describe_invalid (url, uri);

      _gleaner_result_set_error (result, GLEANER_ERROR_INVALID_URL, message);
      core_deliver (self->core, g_steal_pointer (&result));
      return;
    }

  job = g_new0 (Job, 1);
  job->id = id;
  job->url = g_strdup (url);
  job->uri = g_steal_pointer (&uri);
  job->host = g_ascii_strdown (host, -1);
  core_schedule (self->core, job);
}

static gboolean
finish_idle_cb (gpointer data)
{
  GleanerPipeline *self = data;
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();

  gleaner_pipeline_apply_batch (self, empty);

  return G_SOURCE_REMOVE;
}

/**
 * gleaner_pipeline_close:
 * @self: a pipeline
 *
 * Says no more targets will be added; ::finished follows the last result
 * (at once, from the main loop, if every result has already arrived).
 */
void
gleaner_pipeline_close (GleanerPipeline *self)
{
  g_return_if_fail (GLEANER_IS_PIPELINE (self));

  if (self->closed)
    return;
  self->closed = TRUE;

  if (!self->cancelled && self->n_done == self->n_added)
    {
      /* Everything has arrived already: finish from the main loop (never from
       * inside this call), as if the last batch had just been delivered. */
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (source, "[gleaner] finish");
      g_source_set_callback (source, finish_idle_cb, g_object_ref (self), g_object_unref);
      g_source_attach (source, self->core->owner_context);
      g_source_unref (source);
    }
}

/**
 * gleaner_pipeline_cancel:
 * @self: a pipeline
 *
 * Stops the run: every request in progress is aborted, queued targets are
 * dropped, and no result is delivered after this returns. Returns at once;
 * the threads exit in the background. Owner thread only.
 */
void
gleaner_pipeline_cancel (GleanerPipeline *self)
{
  g_return_if_fail (GLEANER_IS_PIPELINE (self));

  if (self->cancelled || self->finished)
    return;

  self->cancelled = TRUE;
  core_stop (self->core);
  gleaner_pipeline_start_reaper (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

guint64
gleaner_pipeline_get_n_added (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), 0);
  return self->n_added;
}

guint64
gleaner_pipeline_get_n_done (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), 0);
  return self->n_done;
}

guint64
gleaner_pipeline_get_n_succeeded (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), 0);
  return self->n_succeeded;
}

guint64
gleaner_pipeline_get_n_failed (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), 0);
  return self->n_failed;
}

/**
 * gleaner_pipeline_get_n_pending:
 * @self: a pipeline
 *
 * Returns: targets added whose result has not been delivered yet
 */
guint64
gleaner_pipeline_get_n_pending (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), 0);
  return self->n_added - self->n_done;
}

gboolean
gleaner_pipeline_get_running (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), FALSE);
  return !self->cancelled && !self->finished;
}

gboolean
gleaner_pipeline_get_cancelled (GleanerPipeline *self)
{
  g_return_val_if_fail (GLEANER_IS_PIPELINE (self), FALSE);
  return self->cancelled;
}

/**
 * gleaner_pipeline_wait_for_threads:
 *
 * Blocks until the background threads of every pipeline that finished, was
 * cancelled or was disposed have exited and freed what they held. For tests
 * and for a clean process exit; a UI never needs it.
 */
void
gleaner_pipeline_wait_for_threads (void)
{
  gleaner_mutex_lock (&reapers_lock);
  while (n_reapers > 0)
    gleaner_cond_wait (&reapers_cond, &reapers_lock);
  gleaner_mutex_unlock (&reapers_lock);
}
