/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-report"

#include "config.h"

#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#include "evg-meeting-report.h"
#include "evg-pages.h"
#include "evg-paper.h"

/* The record is a document of the branch's files in the national form's
 * words, so it reads Chinese whatever language the desktop speaks, as the
 * spreadsheet headers of EvgColumnSpec.header do: its words are not
 * translated.  Only the messages a person acts on (a file that cannot be
 * saved) follow the locale.
 *
 * Laying out makes a list of pieces, each a strip of the page's width
 * that stays whole: a line of a paragraph, a row of the table, the
 * signature lines.  Paginating puts the pieces on pages in order; some
 * keep with the next (a heading with its first line, a resolution with
 * its votes, the signatures with the line above them, so that they never
 * stand alone), and space between sections is dropped at the top of a
 * page.  Each piece holds marks (a
 * line of text, a whole layout, a rule, a box) that drawing a page puts
 * on it at the piece's place. */

#define TITLE_SIZE    18.0
#define HEADING_SIZE  12.5
#define BODY_SIZE     11.0
#define TABLE_SIZE    10.5
#define FOOTER_SIZE    9.0
#define BODY_LINE_SPACING 1.15  /* of the font's height, from baseline to baseline */
#define CELL_PADDING   5.0
#define LABEL_WIDTH   66.0
#define RULE_WIDTH     0.6
#define LABEL_GRAY     0.92

typedef enum
{
  MARK_LINE,     /* one line of a layout, x and y at the start of its baseline */
  MARK_LAYOUT,   /* a whole layout, x and y at its top left */
  MARK_RULE,     /* from x, y by w, h */
  MARK_BOX,      /* a framed rectangle, filled with @gray unless it is 1 */
  MARK_FILL,     /* a rectangle filled with @gray, unframed */
} MarkKind;

typedef struct
{
  MarkKind     kind;
  PangoLayout *layout;   /* borrowed from EvgMeetingReport.layouts */
  int          line;
  double       x;
  double       y;
  double       w;
  double       h;
  double       gray;
} Mark;

typedef struct
{
  double   height;
  guint    first_mark;
  guint    n_marks;
  gboolean keep_with_next;  /* on the page of the next piece that is not space */
  gboolean is_gap;          /* space, dropped at the top of a page */
  guint    page;
  double   y;               /* from the top of the page's body */
} Piece;

struct _EvgMeetingReport
{
  GObject parent_instance;

  /* Owned: what is printed, read when the report was made */
  EvgMeeting   *meeting;
  char         *title;
  GListModel   *sheet;
  EvgQuorum     quorum;
  GPtrArray    *resolutions;
  GPtrArray    *addenda;

  /* Owned: the layout of the last pagination */
  PangoContext *context;
  GPtrArray    *layouts;
  GArray       *marks;
  GArray       *pieces;
  double        page_width;
  double        page_height;
  double        margin;
  guint         n_pages;
};

static void evg_meeting_report_pages_init (EvgPagesInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EvgMeetingReport, evg_meeting_report, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EVG_TYPE_PAGES, evg_meeting_report_pages_init))

/* What each type's record is called on its first line. */
static const char * const record_names[EVG_MEETING_N_KINDS] = {
  [EVG_MEETING_KIND_GENERAL] = "支部党员大会会议记录",
  [EVG_MEETING_KIND_COMMITTEE] = "支部委员会会议记录",
  [EVG_MEETING_KIND_GROUP] = "党小组会会议记录",
  [EVG_MEETING_KIND_LECTURE] = "党课记录",
  [EVG_MEETING_KIND_THEME_DAY] = "主题党日活动记录",
  [EVG_MEETING_KIND_LIFE] = "组织生活会会议记录",
};

static const char * const section_numbers[] = { "一", "二", "三", "四", "五" };

static void
evg_meeting_report_finalize (GObject *object)
{
  EvgMeetingReport *self = EVG_MEETING_REPORT (object);

  g_clear_object (&self->meeting);
  g_clear_object (&self->sheet);
  g_clear_object (&self->context);
  g_free (self->title);
  g_clear_pointer (&self->resolutions, g_ptr_array_unref);
  g_clear_pointer (&self->addenda, g_ptr_array_unref);
  g_ptr_array_unref (self->layouts);
  g_array_unref (self->marks);
  g_array_unref (self->pieces);
  G_OBJECT_CLASS (evg_meeting_report_parent_class)->finalize (object);
}

static void
evg_meeting_report_class_init (EvgMeetingReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_meeting_report_finalize;
}

/* The text is laid out in points, with fonts of the report's own that go
 * with it (see evg_paper_context_new()). */
static void
evg_meeting_report_init (EvgMeetingReport *self)
{
  self->context = evg_paper_context_new ();
  self->layouts = g_ptr_array_new_with_free_func (g_object_unref);
  self->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  self->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
}

static char *
make_title (EvgMeeting *meeting,
            const char *branch,
            const char *group)
{
  g_autofree char *unit = g_strconcat (branch != NULL ? branch : "", group != NULL ? group : "", NULL);
  const char *name = record_names[evg_meeting_get_kind (meeting)];

  return unit[0] != '\0' ? g_strdup_printf ("%s %s", unit, name) : g_strdup (name);
}

/**
 * evg_meeting_report_new:
 *
 * Reads what the record shows of @meeting: its branch, attendance,
 * resolutions and corrections.  The report keeps them as they were read.
 *
 * Returns: (transfer full) (nullable): the report, or %NULL with @error set
 */
EvgMeetingReport *
evg_meeting_report_new (EvgCalendar  *calendar,
                        EvgMeeting   *meeting,
                        GError      **error)
{
  g_autoptr(EvgMeetingReport) self = NULL;
  g_autofree char *branch = NULL;
  g_autofree char *group = NULL;
  const char *id;
  const char *group_id;

  g_return_val_if_fail (EVG_IS_CALENDAR (calendar), NULL);
  g_return_val_if_fail (EVG_IS_MEETING (meeting), NULL);

  self = g_object_new (EVG_TYPE_MEETING_REPORT, NULL);
  self->meeting = evg_meeting_copy (meeting);
  id = evg_meeting_get_id (meeting);
  group_id = evg_meeting_get (meeting, EVG_MEETING_PARTY_GROUP_ID);

  self->sheet = evg_calendar_build_sheet (calendar, meeting, error);
  if (self->sheet == NULL)
    return NULL;
  evg_calendar_count_quorum (calendar, self->sheet, &self->quorum);
  if (id != NULL)
    {
      self->resolutions = evg_calendar_list_resolutions (calendar, id, error);
      if (self->resolutions == NULL)
        return NULL;
      self->addenda = evg_calendar_list_addenda (calendar, id, error);
      if (self->addenda == NULL)
        return NULL;
    }
  else
    {
      self->resolutions = g_ptr_array_new ();
      self->addenda = g_ptr_array_new ();
    }
  if (group_id != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      group = evg_calendar_dup_party_group_name (calendar, group_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  branch = evg_store_get_meta (evg_calendar_get_store (calendar), "branch_name");
  self->title = make_title (meeting, branch, group);
  return g_steal_pointer (&self);
}

/* The record's first line, which also names the PDF and the print job. */
const char *
evg_meeting_report_get_title (EvgMeetingReport *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_REPORT (self), NULL);
  return self->title;
}

/* Text as written, in Chinese: "2026年3月5日" for "2026-03-05 …". */
static char *
format_day (const char *text)
{
  int year, month, day;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return g_strdup (text != NULL ? text : "");
  return g_strdup_printf ("%d年%d月%d日", year, month, day);
}

/* The HH:MM of "YYYY-MM-DD HH:MM", or "". */
static const char *
time_of (const char *text)
{
  return text != NULL && strlen (text) >= 16 ? text + 11 : "";
}

static char *
format_time_range (const char *starts,
                   const char *ends)
{
  g_autofree char *start_day = format_day (starts);
  g_autofree char *end_day = NULL;

  if (ends == NULL)
    return g_strdup_printf ("%s %s", start_day, time_of (starts));
  if (starts != NULL && strncmp (starts, ends, 10) == 0)
    return g_strdup_printf ("%s %s—%s", start_day, time_of (starts), time_of (ends));
  end_day = format_day (ends);
  return g_strdup_printf ("%s %s—%s %s", start_day, time_of (starts), end_day, time_of (ends));
}

/* The national form's name of a choice column's value. */
static const char *
choice_in_chinese (EvgAttendanceField  field,
                   const char         *code)
{
  const EvgChoice *choice = evg_column_spec_find_choice (evg_attendance_field_get_info (field), code);

  return choice != NULL ? choice->chinese : code;
}

static void
append_part (GString    *text,
             const char *separator,
             const char *part)
{
  if (text->len > 0)
    g_string_append (text, separator);
  g_string_append (text, part);
}

/* "赵六（请假，病假，准假人：张三）": a member who was not there, and why. */
static void
append_absentee (GString     *list,
                 EvgAttendee *attendee)
{
  const char *status = evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS);
  const char *reason = evg_attendee_get (attendee, EVG_ATTENDANCE_REASON);
  const char *approved_by = evg_attendee_get (attendee, EVG_ATTENDANCE_APPROVED_BY);
  const char *makeup = evg_attendee_get (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON);
  g_autoptr(GString) why = g_string_new (NULL);

  append_part (why, "，", status != NULL ? choice_in_chinese (EVG_ATTENDANCE_STATUS, status) : "未登记");
  if (reason != NULL)
    append_part (why, "，", reason);
  if (approved_by != NULL)
    g_string_append_printf (why, "，准假人：%s", approved_by);
  if (makeup != NULL)
    {
      g_autofree char *day = format_day (makeup);

      g_string_append_printf (why, "，%s已补学", day);
    }
  append_part (list, "、", evg_attendee_get_name (attendee));
  g_string_append_printf (list, "（%s）", why->str);
}

/* The piece being made: the last one. */
static Piece *
current_piece (EvgMeetingReport *self)
{
  return &g_array_index (self->pieces, Piece, self->pieces->len - 1);
}

static void
add_piece (EvgMeetingReport *self,
           double            height)
{
  Piece piece = { .height = height, .first_mark = self->marks->len };

  g_array_append_val (self->pieces, piece);
}

static void
add_gap (EvgMeetingReport *self,
         double            height)
{
  add_piece (self, height);
  current_piece (self)->is_gap = TRUE;
}

static void
add_mark (EvgMeetingReport *self,
          const Mark       *mark)
{
  g_array_append_vals (self->marks, mark, 1);
  current_piece (self)->n_marks++;
}

static PangoLayout *
make_layout (EvgMeetingReport *self,
             double            size,
             PangoWeight       weight)
{
  return evg_paper_layout_new (self->context, size, weight);
}

/* A layout of @text that lives as long as the pagination. */
static PangoLayout *
add_layout (EvgMeetingReport *self,
            double            size,
            PangoWeight       weight,
            double            width,
            const char       *text)
{
  PangoLayout *layout = make_layout (self, size, weight);
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  pango_layout_set_width (layout, pango_units_from_double (MAX (width, 1.0)));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, valid, -1);
  g_ptr_array_add (self->layouts, layout);
  return layout;
}

/* One line of a layout, where it is drawn from the top of its piece, and
 * how much of the page it takes: down to where the next line starts. */
typedef struct
{
  Mark   mark;
  double height;
} PlacedLine;

/* The lines of @layout, @x from the margin, each keeping the place the
 * layout gave it (alignment, indent). */
static GArray *
place_lines (PangoLayout *layout,
             double       x)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (PlacedLine));
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  PangoRectangle whole;
  double top = 0;
  int line = 0;

  pango_layout_get_extents (layout, NULL, &whole);
  do
    {
      PangoRectangle in_layout, in_line;
      PlacedLine placed = { .mark = { .kind = MARK_LINE, .layout = layout, .line = line } };

      pango_layout_iter_get_line_extents (iter, NULL, &in_layout);
      pango_layout_line_get_extents (pango_layout_iter_get_line_readonly (iter), NULL, &in_line);
      if (line > 0)
        g_array_index (lines, PlacedLine, line - 1).height = pango_units_to_double (in_layout.y) - top;
      top = pango_units_to_double (in_layout.y);
      placed.mark.x = x + pango_units_to_double (in_layout.x - in_line.x);
      placed.mark.y = pango_units_to_double (pango_layout_iter_get_baseline (iter)) - top;
      g_array_append_val (lines, placed);
      line++;
    }
  while (pango_layout_iter_next_line (iter));
  g_array_index (lines, PlacedLine, line - 1).height = pango_units_to_double (whole.y + whole.height) - top;
  pango_layout_iter_free (iter);
  return lines;
}

/* A piece for each line of @layout, so that a paragraph may continue on
 * the next page. */
static void
add_lines (EvgMeetingReport *self,
           PangoLayout      *layout,
           double            x)
{
  g_autoptr(GArray) lines = place_lines (layout, x);

  for (guint i = 0; i < lines->len; i++)
    {
      const PlacedLine *placed = &g_array_index (lines, PlacedLine, i);

      add_piece (self, placed->height);
      add_mark (self, &placed->mark);
    }
}

/* A paragraph of body text @x from the margin; its first line starts
 * @indent further, or, when @indent is negative, the lines after it do. */
static void
add_paragraph (EvgMeetingReport *self,
               const char       *text,
               double            x,
               double            indent)
{
  PangoLayout *layout = add_layout (self, BODY_SIZE, PANGO_WEIGHT_NORMAL,
                                    self->page_width - 2 * self->margin - x, text);

  pango_layout_set_indent (layout, pango_units_from_double (indent));
  pango_layout_set_line_spacing (layout, BODY_LINE_SPACING);
  add_lines (self, layout, x);
}

/* "3. text", its further lines under the text rather than the number. */
static void
add_item (EvgMeetingReport *self,
          guint             number,
          const char       *text)
{
  g_autofree char *prefix = g_strdup_printf ("%u. ", number);
  g_autofree char *item = g_strconcat (prefix, text, NULL);
  PangoLayout *measure = make_layout (self, BODY_SIZE, PANGO_WEIGHT_NORMAL);
  double hanging;

  pango_layout_set_text (measure, prefix, -1);
  hanging = evg_paper_layout_get_width (measure);
  g_object_unref (measure);
  add_paragraph (self, item, 0, -hanging);
}

static void
add_heading (EvgMeetingReport *self,
             guint            *section,
             const char       *text)
{
  g_autofree char *numbered = NULL;
  PangoLayout *layout;

  if (section != NULL)
    {
      numbered = g_strdup_printf ("%s、%s", section_numbers[MIN (*section, G_N_ELEMENTS (section_numbers) - 1)], text);
      (*section)++;
    }
  add_gap (self, 14);
  layout = add_layout (self, HEADING_SIZE, PANGO_WEIGHT_BOLD, self->page_width - 2 * self->margin,
                       numbered != NULL ? numbered : text);
  add_lines (self, layout, 0);
  current_piece (self)->height += 4;
  current_piece (self)->keep_with_next = TRUE;
}

/* The record's name, centred, on as many lines as it takes. */
static void
add_title (EvgMeetingReport *self)
{
  PangoLayout *title = add_layout (self, TITLE_SIZE, PANGO_WEIGHT_BOLD,
                                   self->page_width - 2 * self->margin, self->title);

  pango_layout_set_alignment (title, PANGO_ALIGN_CENTER);
  add_lines (self, title, 0);
  add_gap (self, 16);
}

typedef struct
{
  const char *text;
  gboolean    is_label;
  double      width;
} Cell;

/* A row with a label and a value too tall to keep whole, such as the
 * names of hundreds present: a piece for each line of the value, framed
 * at the sides, so that it goes on over the next page.  The label heads
 * its first piece. */
static void
add_long_row (EvgMeetingReport *self,
              PangoLayout      *label,
              PangoLayout      *value,
              double            label_width,
              double            width)
{
  g_autoptr(GArray) lines = place_lines (value, label_width + CELL_PADDING);

  for (guint i = 0; i < lines->len; i++)
    {
      PlacedLine *placed = &g_array_index (lines, PlacedLine, i);
      double above = i == 0 ? CELL_PADDING : 0;
      double height = placed->height + above + (i + 1 == lines->len ? CELL_PADDING : 0);
      Mark shade = { .kind = MARK_FILL, .w = label_width, .h = height, .gray = LABEL_GRAY };
      Mark left = { .kind = MARK_RULE, .h = height };
      Mark middle = { .kind = MARK_RULE, .x = label_width, .h = height };
      Mark right = { .kind = MARK_RULE, .x = width, .h = height };

      add_piece (self, height);
      add_mark (self, &shade);
      add_mark (self, &left);
      add_mark (self, &middle);
      add_mark (self, &right);
      if (i == 0)
        {
          Mark top = { .kind = MARK_RULE, .w = width };
          Mark heading = { .kind = MARK_LAYOUT, .layout = label, .x = CELL_PADDING, .y = CELL_PADDING };

          add_mark (self, &top);
          add_mark (self, &heading);
        }
      if (i + 1 == lines->len)
        {
          Mark bottom = { .kind = MARK_RULE, .y = height, .w = width };

          add_mark (self, &bottom);
        }
      placed->mark.y += above;
      add_mark (self, &placed->mark);
    }
}

/* A row of the header table: its cells side by side, as tall as the
 * tallest, framed; labels centred on grey. */
static void
add_row (EvgMeetingReport *self,
         const Cell       *cells,
         guint             n_cells)
{
  PangoLayout *layouts[4];
  double height = 0;
  double x = 0;

  g_assert (n_cells <= G_N_ELEMENTS (layouts));
  for (guint i = 0; i < n_cells; i++)
    {
      layouts[i] = add_layout (self, TABLE_SIZE, cells[i].is_label ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL,
                               cells[i].width - 2 * CELL_PADDING, cells[i].text);
      if (cells[i].is_label)
        pango_layout_set_alignment (layouts[i], PANGO_ALIGN_CENTER);
      height = MAX (height, evg_paper_layout_get_height (layouts[i]) + 2 * CELL_PADDING);
    }
  if (n_cells == 2 && height > (self->page_height - 2 * self->margin) / 3)
    {
      add_long_row (self, layouts[0], layouts[1], cells[0].width, cells[0].width + cells[1].width);
      return;
    }
  add_piece (self, height);
  for (guint i = 0; i < n_cells; i++)
    {
      Mark box = { .kind = MARK_BOX, .x = x, .w = cells[i].width, .h = height,
                   .gray = cells[i].is_label ? LABEL_GRAY : 1.0 };
      Mark text = { .kind = MARK_LAYOUT, .layout = layouts[i],
                    .x = x + CELL_PADDING, .y = CELL_PADDING };

      add_mark (self, &box);
      add_mark (self, &text);
      x += cells[i].width;
    }
}

static void
add_full_row (EvgMeetingReport *self,
              const char       *label,
              const char       *value)
{
  double width = self->page_width - 2 * self->margin;
  Cell cells[] = {
    { label, TRUE, LABEL_WIDTH },
    { value != NULL ? value : "", FALSE, width - LABEL_WIDTH },
  };

  add_row (self, cells, G_N_ELEMENTS (cells));
}

static void
add_pair_row (EvgMeetingReport *self,
              const char       *label,
              const char       *value,
              const char       *other_label,
              const char       *other_value)
{
  double value_width = (self->page_width - 2 * self->margin - 2 * LABEL_WIDTH) / 2;
  Cell cells[] = {
    { label, TRUE, LABEL_WIDTH },
    { value != NULL ? value : "", FALSE, value_width },
    { other_label, TRUE, LABEL_WIDTH },
    { other_value != NULL ? other_value : "", FALSE, value_width },
  };

  add_row (self, cells, G_N_ELEMENTS (cells));
}

/* 时间, 地点, 主持人, 记录人, then who was due, who came and who did not
 * and why, those not counted as due, and those sitting in. */
static void
add_header_table (EvgMeetingReport *self)
{
  EvgMeeting *meeting = self->meeting;
  g_autoptr(GString) present = g_string_new (NULL);
  g_autoptr(GString) absent = g_string_new (NULL);
  g_autoptr(GString) not_due = g_string_new (NULL);
  const char *title = evg_meeting_get (meeting, EVG_MEETING_TITLE);
  g_autofree char *when = format_time_range (evg_meeting_get (meeting, EVG_MEETING_STARTS_AT),
                                             evg_meeting_get (meeting, EVG_MEETING_ENDS_AT));
  g_autofree char *due = g_strdup_printf ("%u 人", self->quorum.due);
  g_autofree char *came = g_strdup_printf ("%u 人", self->quorum.present);
  g_autofree char *missing = NULL;
  const char *observers = evg_meeting_get (meeting, EVG_MEETING_OBSERVERS);
  guint n = g_list_model_get_n_items (self->sheet);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgAttendee) attendee = g_list_model_get_item (self->sheet, i);
      const char *status = evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS);
      const char *excluded = evg_attendee_get (attendee, EVG_ATTENDANCE_EXCLUDED_REASON);

      if (evg_attendee_is_present (attendee))
        {
          append_part (present, "、", evg_attendee_get_name (attendee));
          if (g_strcmp0 (status, "late") == 0)
            g_string_append (present, "（迟到）");
        }
      else if (evg_attendee_counts (attendee))
        append_absentee (absent, attendee);
      else if (excluded != NULL || status != NULL)
        {
          append_part (not_due, "、", evg_attendee_get_name (attendee));
          g_string_append_printf (not_due, "（%s）",
                                  excluded != NULL ? choice_in_chinese (EVG_ATTENDANCE_EXCLUDED_REASON, excluded)
                                                   : choice_in_chinese (EVG_ATTENDANCE_STATUS, status));
        }
    }
  missing = self->quorum.due > self->quorum.present
            ? g_strdup_printf ("%u 人：%s", self->quorum.due - self->quorum.present, absent->str)
            : g_strdup ("无");

  if (title == NULL)
    title = evg_column_spec_find_choice (&evg_meeting_table.columns[EVG_MEETING_TYPE],
                                         evg_meeting_kind_to_code (evg_meeting_get_kind (meeting)))->chinese;
  add_full_row (self, "会议主题", title);
  add_pair_row (self, "时间", when, "地点", evg_meeting_get (meeting, EVG_MEETING_PLACE));
  add_pair_row (self, "主持人", evg_meeting_get (meeting, EVG_MEETING_CHAIR),
                "记录人", evg_meeting_get (meeting, EVG_MEETING_RECORDER));
  add_pair_row (self, "应到", due, "实到", came);
  add_full_row (self, "出席人员", present->len > 0 ? present->str : "无");
  add_full_row (self, "缺席", missing);
  if (not_due->len > 0)
    add_full_row (self, "不计入应到", not_due->str);
  add_full_row (self, "列席", observers != NULL ? observers : "无");
}

/* Each line of @text that holds more than space, numbered. */
static void
add_agenda (EvgMeetingReport *self,
            guint            *section)
{
  const char *agenda = evg_meeting_get (self->meeting, EVG_MEETING_AGENDA);
  g_auto(GStrv) items = NULL;
  guint number = 0;

  if (agenda == NULL)
    return;
  add_heading (self, section, "会议议题");
  items = g_strsplit (agenda, "\n", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);

      if (item[0] != '\0')
        add_item (self, ++number, item);
    }
}

/* Paragraphs start two characters in, as Chinese is written, unless the
 * writer indented them already. */
static void
add_minutes (EvgMeetingReport *self,
             guint            *section)
{
  const char *minutes = evg_meeting_get (self->meeting, EVG_MEETING_MINUTES);
  g_auto(GStrv) paragraphs = NULL;

  add_heading (self, section, "会议内容");
  if (minutes == NULL)
    {
      add_paragraph (self, "（未记录）", 0, 2 * BODY_SIZE);
      return;
    }
  paragraphs = g_strsplit (minutes, "\n", -1);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      char *paragraph = g_strchomp (paragraphs[i]);
      gboolean indented = paragraph[0] == ' ' || paragraph[0] == '\t' || g_str_has_prefix (paragraph, "　");

      if (paragraph[0] == '\0')
        add_gap (self, BODY_SIZE / 2);
      else
        add_paragraph (self, paragraph, 0, indented ? 0 : 2 * BODY_SIZE);
    }
}

static void
append_votes (GString    *text,
              const char *label,
              gint64      votes)
{
  if (votes >= 0)
    {
      g_autofree char *part = g_strdup_printf ("%s %" G_GINT64_FORMAT " 票", label, votes);

      append_part (text, "，", part);
    }
}

static void
add_resolutions (EvgMeetingReport *self,
                 guint            *section)
{
  gboolean voted = FALSE;

  if (self->resolutions->len == 0)
    return;
  add_heading (self, section, "决议及表决情况");
  for (guint i = 0; i < self->resolutions->len; i++)
    voted |= ((EvgResolutionInfo *) g_ptr_array_index (self->resolutions, i))->votes_for >= 0;
  if (voted)
    {
      g_autofree char *counts = g_strdup_printf ("有表决权的党员应到 %u 人，实到 %u 人，%s。",
                                                 self->quorum.due_voting, self->quorum.present_voting,
                                                 self->quorum.may_vote ? "到会人数符合表决要求"
                                                                       : "到会人数不足，不能表决");

      add_paragraph (self, counts, 0, 2 * BODY_SIZE);
    }
  for (guint i = 0; i < self->resolutions->len; i++)
    {
      EvgResolutionInfo *resolution = g_ptr_array_index (self->resolutions, i);
      g_autoptr(GString) result = g_string_new (NULL);

      add_item (self, i + 1, resolution->text);
      current_piece (self)->keep_with_next = TRUE;   /* with its votes */
      if (resolution->votes_for < 0)
        g_string_append (result, "表决结果：未表决。");
      else
        {
          append_votes (result, "表决结果：赞成", resolution->votes_for);
          append_votes (result, "反对", resolution->votes_against);
          append_votes (result, "弃权", resolution->votes_abstain);
          g_string_append (result, evg_quorum_resolution_passes (&self->quorum, resolution->votes_for)
                                   ? "；通过。" : "；未通过。");
        }
      add_paragraph (self, result->str, 2 * BODY_SIZE, 0);
    }
}

/* One signature: its label, the line to sign on (with the name once the
 * record is signed) and the date under it. */
static double
add_signature (EvgMeetingReport *self,
               double            x,
               double            width,
               const char       *label,
               const char       *name,
               const char       *signed_at)
{
  PangoLayout *label_layout = add_layout (self, BODY_SIZE, PANGO_WEIGHT_NORMAL, width, label);
  double label_width = evg_paper_layout_get_width (label_layout);
  double line_height = evg_paper_layout_get_height (label_layout);
  double baseline = pango_units_to_double (pango_layout_get_baseline (label_layout));
  g_autofree char *day = signed_at != NULL ? format_day (signed_at) : g_strdup ("　　　　年　　月　　日");
  g_autofree char *date = g_strdup_printf ("日期：%s", day);
  Mark label_mark = { .kind = MARK_LAYOUT, .layout = label_layout, .x = x };
  Mark rule = { .kind = MARK_RULE, .x = x + label_width, .y = baseline + 3, .w = width - label_width };
  Mark date_mark = { .kind = MARK_LAYOUT, .x = x, .y = line_height + 10 };

  add_mark (self, &label_mark);
  add_mark (self, &rule);
  if (signed_at != NULL && name != NULL)
    {
      Mark name_mark = { .kind = MARK_LAYOUT, .x = x + label_width + 8,
                         .layout = add_layout (self, BODY_SIZE, PANGO_WEIGHT_NORMAL,
                                               width - label_width - 8, name) };

      pango_layout_set_ellipsize (name_mark.layout, PANGO_ELLIPSIZE_END);
      add_mark (self, &name_mark);
    }
  date_mark.layout = add_layout (self, BODY_SIZE, PANGO_WEIGHT_NORMAL, width, date);
  add_mark (self, &date_mark);
  return date_mark.y + evg_paper_layout_get_height (date_mark.layout);
}

static void
add_signatures (EvgMeetingReport *self)
{
  const char *signed_at = evg_meeting_get (self->meeting, EVG_MEETING_SIGNED_AT);
  double half = (self->page_width - 2 * self->margin) / 2;
  double chair, recorder;

  /* A signature alone on a page would not show what it signs. */
  current_piece (self)->keep_with_next = TRUE;
  add_gap (self, 28);
  add_piece (self, 0);
  chair = add_signature (self, 0, half - 18, "主持人（签字）：",
                         evg_meeting_get (self->meeting, EVG_MEETING_CHAIR), signed_at);
  recorder = add_signature (self, half + 18, half - 18, "记录人（签字）：",
                            evg_meeting_get (self->meeting, EVG_MEETING_RECORDER), signed_at);
  current_piece (self)->height = MAX (chair, recorder);
}

/* Corrections come after the signatures: they were written after them. */
static void
add_addenda (EvgMeetingReport *self)
{
  if (self->addenda->len == 0)
    return;
  add_gap (self, 10);
  add_heading (self, NULL, "补正记录");
  for (guint i = 0; i < self->addenda->len; i++)
    {
      EvgAddendumInfo *addendum = g_ptr_array_index (self->addenda, i);
      g_autofree char *day = format_day (addendum->written_on);
      g_autofree char *text = g_strdup_printf ("%s%s%s：%s", day, addendum->author != NULL ? "，" : "",
                                               addendum->author != NULL ? addendum->author : "",
                                               addendum->text != NULL ? addendum->text : "");

      add_item (self, i + 1, text);
    }
}

/* The height of piece @i and of those it keeps with: up to the next piece
 * that is not space, and on from there while that one keeps with the next. */
static double
height_kept_together (EvgMeetingReport *self,
                      guint             i)
{
  const Piece *piece = &g_array_index (self->pieces, Piece, i);
  double height = piece->height;
  gboolean keeping = piece->keep_with_next;

  while (keeping && ++i < self->pieces->len)
    {
      piece = &g_array_index (self->pieces, Piece, i);
      height += piece->height;
      keeping = piece->is_gap || piece->keep_with_next;
    }
  return height;
}

/* Pieces in order, each on the page where it fits: a piece too tall for
 * any page still gets one of its own. */
static guint
place_pieces (EvgMeetingReport *self)
{
  double body = self->page_height - 2 * self->margin;
  guint page = 0;
  double y = 0;

  for (guint i = 0; i < self->pieces->len; i++)
    {
      Piece *piece = &g_array_index (self->pieces, Piece, i);
      double needed = height_kept_together (self, i);

      if (y > 0 && y + needed > body)
        {
          page++;
          y = 0;
        }
      piece->page = page;
      piece->y = y;
      if (!(piece->is_gap && y == 0))
        y += piece->height;
    }
  return page + 1;
}

/**
 * evg_meeting_report_paginate:
 * @page_width: in points
 * @page_height: in points
 *
 * Lays the record out on pages of this size.
 *
 * Returns: the number of pages
 */
guint
evg_meeting_report_paginate (EvgMeetingReport *self,
                             double            page_width,
                             double            page_height)
{
  guint section = 0;

  g_return_val_if_fail (EVG_IS_MEETING_REPORT (self), 0);
  g_return_val_if_fail (page_width > 0 && page_height > 0, 0);

  g_ptr_array_set_size (self->layouts, 0);
  g_array_set_size (self->marks, 0);
  g_array_set_size (self->pieces, 0);
  self->page_width = page_width;
  self->page_height = page_height;
  /* About 2.3 cm on A4, less on small paper. */
  self->margin = MIN (64.0, MIN (page_width, page_height) / 8);

  add_title (self);
  add_header_table (self);
  add_agenda (self, &section);
  add_minutes (self, &section);
  add_resolutions (self, &section);
  add_signatures (self);
  add_addenda (self);

  self->n_pages = place_pieces (self);
  return self->n_pages;
}

/* Returns: the pages of the last pagination, or 0 before the first */
guint
evg_meeting_report_get_n_pages (EvgMeetingReport *self)
{
  g_return_val_if_fail (EVG_IS_MEETING_REPORT (self), 0);
  return self->n_pages;
}

static void
draw_mark (const Mark *mark,
           cairo_t    *cr,
           double      x,
           double      y)
{
  switch (mark->kind)
    {
    case MARK_LINE:
      cairo_move_to (cr, x + mark->x, y + mark->y);
      pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (mark->layout, mark->line));
      break;
    case MARK_LAYOUT:
      cairo_move_to (cr, x + mark->x, y + mark->y);
      pango_cairo_show_layout (cr, mark->layout);
      break;
    case MARK_RULE:
      cairo_move_to (cr, x + mark->x, y + mark->y);
      cairo_rel_line_to (cr, mark->w, mark->h);
      cairo_stroke (cr);
      break;
    case MARK_FILL:
      cairo_rectangle (cr, x + mark->x, y + mark->y, mark->w, mark->h);
      cairo_set_source_rgb (cr, mark->gray, mark->gray, mark->gray);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      break;
    case MARK_BOX:
      cairo_rectangle (cr, x + mark->x, y + mark->y, mark->w, mark->h);
      if (mark->gray < 1.0)
        {
          cairo_set_source_rgb (cr, mark->gray, mark->gray, mark->gray);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 0, 0, 0);
        }
      cairo_stroke (cr);
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * evg_meeting_report_draw_page:
 * @cr: a context whose unit is the point and whose origin is the page's
 *   top left corner
 * @page: counted from 0, below evg_meeting_report_get_n_pages()
 *
 * Draws one page of the last pagination, with its number at the foot.
 */
void
evg_meeting_report_draw_page (EvgMeetingReport *self,
                              cairo_t          *cr,
                              guint             page)
{
  g_autofree char *number = NULL;
  PangoLayout *footer;

  g_return_if_fail (EVG_IS_MEETING_REPORT (self));
  g_return_if_fail (page < self->n_pages);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, RULE_WIDTH);
  for (guint i = 0; i < self->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (self->pieces, Piece, i);

      if (piece->page != page)
        continue;
      for (guint m = 0; m < piece->n_marks; m++)
        draw_mark (&g_array_index (self->marks, Mark, piece->first_mark + m), cr,
                   self->margin, self->margin + piece->y);
    }

  number = g_strdup_printf ("第 %u 页 共 %u 页", page + 1, self->n_pages);
  footer = make_layout (self, FOOTER_SIZE, PANGO_WEIGHT_NORMAL);
  pango_layout_set_text (footer, number, -1);
  pango_layout_set_width (footer, pango_units_from_double (self->page_width - 2 * self->margin));
  pango_layout_set_alignment (footer, PANGO_ALIGN_CENTER);
  cairo_move_to (cr, self->margin, self->page_height - self->margin + FOOTER_SIZE * 1.5);
  pango_cairo_show_layout (cr, footer);
  g_object_unref (footer);
  cairo_restore (cr);
}

/**
 * evg_meeting_report_write_pdf:
 * @path: the PDF file to write, replaced if it exists
 *
 * Saves the record as an A4 PDF with its fonts embedded.  The file
 * appears whole or not at all.
 *
 * Returns: %TRUE on success
 */
gboolean
evg_meeting_report_write_pdf (EvgMeetingReport  *self,
                              const char        *path,
                              GError           **error)
{
  g_return_val_if_fail (EVG_IS_MEETING_REPORT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return evg_pages_write_pdf (EVG_PAGES (self), path, error);
}

static const char *
get_title (EvgPages *pages)
{
  return evg_meeting_report_get_title (EVG_MEETING_REPORT (pages));
}

static guint
paginate (EvgPages *pages,
          double    page_width,
          double    page_height)
{
  return evg_meeting_report_paginate (EVG_MEETING_REPORT (pages), page_width, page_height);
}

static void
draw_page (EvgPages *pages,
           cairo_t  *cr,
           guint     page)
{
  evg_meeting_report_draw_page (EVG_MEETING_REPORT (pages), cr, page);
}

static void
evg_meeting_report_pages_init (EvgPagesInterface *iface)
{
  iface->get_title = get_title;
  iface->paginate = paginate;
  iface->draw_page = draw_page;
}
