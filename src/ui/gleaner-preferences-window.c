/* gleaner-preferences-window.c: preferences, backed by GSettings
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-ui-util.h"
#include "gleaner-preferences-window.h"

#define MIB (1024.0 * 1024.0)

struct _GleanerPreferencesWindow
{
#if ADW_CHECK_VERSION (1, 6, 0)
  AdwPreferencesDialog  parent_instance;
#else
  AdwPreferencesWindow  parent_instance;
#endif

  /* Template children */
  GtkSpinButton        *workers_spin;
  GtkSpinButton        *per_host_spin;
  GtkSpinButton        *timeout_spin;
  GtkSpinButton        *deadline_spin;
  GtkSpinButton        *retries_spin;
  GtkSpinButton        *max_page_spin;
  AdwEntryRow          *user_agent_row;
  GtkSwitch            *url_switch;
  GtkSwitch            *status_switch;
  GtkSwitch            *time_switch;
  GtkSwitch            *size_switch;
  GtkSwitch            *encoding_switch;
  GtkSwitch            *error_switch;

  /* Owned */
  GSettings            *settings;

  /* Borrowed: the column switches, in the order of column_ids */
  GtkSwitch            *column_switches[6];
};

#if ADW_CHECK_VERSION (1, 6, 0)
G_DEFINE_FINAL_TYPE (GleanerPreferencesWindow, gleaner_preferences_window, ADW_TYPE_PREFERENCES_DIALOG)
#else
G_DEFINE_FINAL_TYPE (GleanerPreferencesWindow, gleaner_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)
#endif

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The switchable columns (the window always shows "title"). */
static const char * const column_ids[] = { "url", "status", "time", "size", "encoding", "error" };

static gboolean
bytes_to_mib (GValue   *value,
              GVariant *variant,
              gpointer  user_data)
{
  double bytes;

  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT64))
    bytes = (double)g_variant_get_uint64 (variant);
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_UINT32))
    bytes = g_variant_get_uint32 (variant);
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_INT64))
    bytes = (double)g_variant_get_int64 (variant);
  else if (g_variant_is_of_type (variant, G_VARIANT_TYPE_INT32))
    bytes = g_variant_get_int32 (variant);
  else
    return FALSE;

  g_value_set_double (value, bytes / MIB);
  return TRUE;
}

static GVariant *
mib_to_bytes (const GValue       *value,
              const GVariantType *expected_type,
              gpointer            user_data)
{
  double bytes = g_value_get_double (value) * MIB;

  if (g_variant_type_equal (expected_type, G_VARIANT_TYPE_UINT64))
    return g_variant_new_uint64 ((guint64)bytes);
  if (g_variant_type_equal (expected_type, G_VARIANT_TYPE_UINT32))
    return g_variant_new_uint32 ((guint32)MIN (bytes, G_MAXUINT32));
  if (g_variant_type_equal (expected_type, G_VARIANT_TYPE_INT64))
    return g_variant_new_int64 ((gint64)bytes);
  if (g_variant_type_equal (expected_type, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 ((gint32)MIN (bytes, G_MAXINT32));

  return NULL;
}

static void
bind_number (GleanerPreferencesWindow *self,
             const char               *key,
             GtkSpinButton            *spin)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (spin), ADW_TYPE_ACTION_ROW);

  if (!gleaner_ui_settings_has_key (self->settings, key))
    {
      gtk_widget_set_visible (row != NULL ? row : GTK_WIDGET (spin), FALSE);
      return;
    }

  g_settings_bind (self->settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
}

static void
sync_column_switches (GleanerPreferencesWindow *self)
{
  g_auto(GStrv) visible = g_settings_get_strv (self->settings, "visible-columns");

  for (guint i = 0; i < G_N_ELEMENTS (column_ids); i++)
    gtk_switch_set_active (self->column_switches[i],
                           g_strv_contains ((const char * const *)visible, column_ids[i]));
}

static void
column_switch_cb (GtkSwitch                *sw,
                  GParamSpec               *pspec,
                  GleanerPreferencesWindow *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) old = g_settings_get_strv (self->settings, "visible-columns");
  g_auto(GStrv) visible = NULL;

  /* Keep ids this window does not know (a newer version's columns). */
  for (guint i = 0; old[i] != NULL; i++)
    if (!g_strv_contains (column_ids, old[i]))
      g_strv_builder_add (builder, old[i]);
  for (guint i = 0; i < G_N_ELEMENTS (column_ids); i++)
    if (gtk_switch_get_active (self->column_switches[i]))
      g_strv_builder_add (builder, column_ids[i]);

  visible = g_strv_builder_end (builder);
  if (!g_strv_equal ((const char * const *)old, (const char * const *)visible))
    g_settings_set_strv (self->settings, "visible-columns", (const char * const *)visible);
}

static void
settings_changed_cb (GSettings                *settings,
                     const char               *key,
                     GleanerPreferencesWindow *self)
{
  if (g_strcmp0 (key, "visible-columns") == 0)
    sync_column_switches (self);
}

static void
bind_settings (GleanerPreferencesWindow *self)
{
  bind_number (self, "fetch-workers", self->workers_spin);
  bind_number (self, "per-host", self->per_host_spin);
  bind_number (self, "timeout", self->timeout_spin);
  bind_number (self, "deadline", self->deadline_spin);
  bind_number (self, "retries", self->retries_spin);

  if (gleaner_ui_settings_has_key (self->settings, "max-page-size"))
    g_settings_bind_with_mapping (self->settings, "max-page-size", self->max_page_spin, "value",
                                  G_SETTINGS_BIND_DEFAULT, bytes_to_mib, mib_to_bytes, NULL, NULL);
  else
    gtk_widget_set_visible (gtk_widget_get_ancestor (GTK_WIDGET (self->max_page_spin),
                                                     ADW_TYPE_ACTION_ROW), FALSE);

  if (gleaner_ui_settings_has_key (self->settings, "user-agent"))
    g_settings_bind (self->settings, "user-agent", self->user_agent_row, "text",
                     G_SETTINGS_BIND_DEFAULT);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->user_agent_row), FALSE);

  if (gleaner_ui_settings_has_key (self->settings, "visible-columns"))
    {
      sync_column_switches (self);
      for (guint i = 0; i < G_N_ELEMENTS (column_ids); i++)
        g_signal_connect_object (self->column_switches[i], "notify::active",
                                 G_CALLBACK (column_switch_cb), self, 0);
      g_signal_connect_object (self->settings, "changed::visible-columns",
                               G_CALLBACK (settings_changed_cb), self, 0);
    }
}

static void
gleaner_preferences_window_constructed (GObject *object)
{
  GleanerPreferencesWindow *self = (GleanerPreferencesWindow *)object;

  G_OBJECT_CLASS (gleaner_preferences_window_parent_class)->constructed (object);

  if (self->settings != NULL)
    bind_settings (self);
}

static void
gleaner_preferences_window_dispose (GObject *object)
{
  GleanerPreferencesWindow *self = (GleanerPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), GLEANER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gleaner_preferences_window_parent_class)->dispose (object);
}

static void
gleaner_preferences_window_get_property (GObject    *object,
                                         guint       prop_id,
                                         GValue     *value,
                                         GParamSpec *pspec)
{
  GleanerPreferencesWindow *self = GLEANER_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_preferences_window_set_property (GObject      *object,
                                         guint         prop_id,
                                         const GValue *value,
                                         GParamSpec   *pspec)
{
  GleanerPreferencesWindow *self = GLEANER_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_preferences_window_class_init (GleanerPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = gleaner_preferences_window_constructed;
  object_class->dispose = gleaner_preferences_window_dispose;
  object_class->get_property = gleaner_preferences_window_get_property;
  object_class->set_property = gleaner_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/gleaner/Gleaner/gleaner-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, workers_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, per_host_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, deadline_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, retries_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, max_page_spin);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, user_agent_row);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, url_switch);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, status_switch);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, time_switch);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, size_switch);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, encoding_switch);
  gtk_widget_class_bind_template_child (widget_class, GleanerPreferencesWindow, error_switch);
}

static void
gleaner_preferences_window_init (GleanerPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->column_switches[0] = self->url_switch;
  self->column_switches[1] = self->status_switch;
  self->column_switches[2] = self->time_switch;
  self->column_switches[3] = self->size_switch;
  self->column_switches[4] = self->encoding_switch;
  self->column_switches[5] = self->error_switch;
  G_STATIC_ASSERT (G_N_ELEMENTS (column_ids) == G_N_ELEMENTS (self->column_switches));

#if ADW_CHECK_VERSION (1, 6, 0)
  adw_preferences_dialog_set_search_enabled (ADW_PREFERENCES_DIALOG (self), FALSE);
#else
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);
#endif
}

/**
 * gleaner_preferences_window_new:
 * @settings: (nullable): Gleaner's settings; without them nothing is shown as editable
 */
GleanerPreferencesWindow *
gleaner_preferences_window_new (GSettings *settings)
{
  return g_object_new (GLEANER_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       NULL);
}

/**
 * gleaner_preferences_window_present:
 *
 * Returns: (transfer none): the preferences, shown for @parent
 */
GleanerPreferencesWindow *
gleaner_preferences_window_present (GSettings *settings,
                                    GtkWindow *parent)
{
  GleanerPreferencesWindow *self = gleaner_preferences_window_new (settings);

  if (settings == NULL)
    g_warning ("Settings schema not installed: preferences cannot be saved");

#if ADW_CHECK_VERSION (1, 6, 0)
  adw_dialog_present (ADW_DIALOG (self), parent != NULL ? GTK_WIDGET (parent) : NULL);
#else
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_modal (GTK_WINDOW (self), TRUE);
    }
  gtk_window_present (GTK_WINDOW (self));
#endif

  return self;
}
