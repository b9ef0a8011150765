/* gleaner-session-info.c: what the history list shows about one journaled session
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-session-info.h"

struct _GleanerSessionInfo
{
  GObject   parent_instance;

  char     *title;
  gint64    id;
  gint64    created;
  gint64    updated;
  guint64   n_targets;
  guint64   n_results;
  guint64   n_failed;
  guint64   n_missing;
  gboolean  finished;
};

G_DEFINE_FINAL_TYPE (GleanerSessionInfo, gleaner_session_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_CREATED,
  PROP_UPDATED,
  PROP_N_TARGETS,
  PROP_N_RESULTS,
  PROP_N_FAILED,
  PROP_N_MISSING,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
gleaner_session_info_finalize (GObject *object)
{
  GleanerSessionInfo *self = (GleanerSessionInfo *)object;

  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (gleaner_session_info_parent_class)->finalize (object);
}

static void
gleaner_session_info_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  GleanerSessionInfo *self = GLEANER_SESSION_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:        g_value_set_int64 (value, self->id); break;
    case PROP_TITLE:     g_value_set_string (value, self->title); break;
    case PROP_CREATED:   g_value_set_int64 (value, self->created); break;
    case PROP_UPDATED:   g_value_set_int64 (value, self->updated); break;
    case PROP_N_TARGETS: g_value_set_uint64 (value, self->n_targets); break;
    case PROP_N_RESULTS: g_value_set_uint64 (value, self->n_results); break;
    case PROP_N_FAILED:  g_value_set_uint64 (value, self->n_failed); break;
    case PROP_N_MISSING: g_value_set_uint64 (value, self->n_missing); break;
    case PROP_FINISHED:  g_value_set_boolean (value, self->finished); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_session_info_class_init (GleanerSessionInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = gleaner_session_info_finalize;
  object_class->get_property = gleaner_session_info_get_property;

  /* Read-only: a history row binds them with GtkExpressions. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_CREATED] = g_param_spec_int64 ("created", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_UPDATED] = g_param_spec_int64 ("updated", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_N_TARGETS] = g_param_spec_uint64 ("n-targets", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_RESULTS] = g_param_spec_uint64 ("n-results", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_FAILED] = g_param_spec_uint64 ("n-failed", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_N_MISSING] = g_param_spec_uint64 ("n-missing", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_FINISHED] = g_param_spec_boolean ("finished", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gleaner_session_info_init (GleanerSessionInfo *self)
{
}

/**
 * gleaner_session_info_new:
 * @id: the session id
 * @title: (nullable): the session's title, as given to the store
 * @created: when the session began (µs since the epoch)
 * @updated: when it was last written to (µs since the epoch)
 * @n_targets: targets journaled
 * @n_results: results journaled (one per target at most)
 * @n_failed: results that carry an error kind
 * @n_missing: targets without a result
 * @finished: whether the session was marked finished
 *
 * Returns: (transfer full): a new, immutable session info
 */
GleanerSessionInfo *
gleaner_session_info_new (gint64      id,
                          const char *title,
                          gint64      created,
                          gint64      updated,
                          guint64     n_targets,
                          guint64     n_results,
                          guint64     n_failed,
                          guint64     n_missing,
                          gboolean    finished)
{
  GleanerSessionInfo *self = g_object_new (GLEANER_TYPE_SESSION_INFO, NULL);

  self->id = id;
  self->title = g_strdup (title);
  self->created = created;
  self->updated = updated;
  self->n_targets = n_targets;
  self->n_results = n_results;
  self->n_failed = n_failed;
  self->n_missing = n_missing;
  self->finished = !!finished;

  return self;
}

gint64
gleaner_session_info_get_id (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->id;
}

/**
 * gleaner_session_info_get_title:
 * @self: a session info
 *
 * Returns: (nullable): the title exactly as it was given to the store (it may
 *   come from the web: never use it as markup, and g_utf8_make_valid() it
 *   before showing it)
 */
const char *
gleaner_session_info_get_title (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), NULL);
  return self->title;
}

gint64
gleaner_session_info_get_created (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->created;
}

gint64
gleaner_session_info_get_updated (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->updated;
}

guint64
gleaner_session_info_get_n_targets (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->n_targets;
}

guint64
gleaner_session_info_get_n_results (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->n_results;
}

guint64
gleaner_session_info_get_n_failed (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->n_failed;
}

/**
 * gleaner_session_info_get_n_missing:
 * @self: a session info
 *
 * Returns: journaled targets without a result yet (what a restore fetches)
 */
guint64
gleaner_session_info_get_n_missing (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), 0);
  return self->n_missing;
}

gboolean
gleaner_session_info_get_finished (GleanerSessionInfo *self)
{
  g_return_val_if_fail (GLEANER_IS_SESSION_INFO (self), FALSE);
  return self->finished;
}
