/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-xlsx"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <zip.h>

#include "evg-validate.h"
#include "evg-xlsx.h"

G_DEFINE_QUARK (evg-xlsx-error-quark, evg_xlsx_error)

/* What one read from the container takes: large enough that inflating and
 * parsing, not the calls, take the time. */
#define CHUNK (64 * 1024)

/* Excel's own bounds: no sheet has more. */
#define MAX_ROWS    1048576
#define MAX_COLUMNS 16384

/* The last day Excel counts, 9999-12-31, as a serial of the 1900 system. */
#define MAX_SERIAL 2958465

/* The most text one cell or shared string may hold, in bytes: Excel's
 * limit of 32,767 characters, four bytes each at most, with room to spare
 * for rich text runs.  Without it, one text node of a sheet could take as
 * much memory as the whole part unpacks to. */
#define MAX_TEXT (256 * 1024)

/* libxml2 reads the parts with nothing from outside the file: no network,
 * no external DTD and no entity of a DTD put into the text (the handlers
 * below have no way to look entities up, so none is ever expanded, which
 * also rules out entity bombs, and a document type declaration stops the
 * part at once).  Its own limits on names and depth stay, as
 * XML_PARSE_HUGE is not given; the handlers report errors themselves. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* libxml2 2.12 made the errors that it hands to handlers constant. */
#if LIBXML_VERSION >= 21200
typedef const xmlError XmlErrorArg;
#else
typedef xmlError XmlErrorArg;
#endif

typedef enum
{
  CELL_NUMBER,
  CELL_SHARED,
  CELL_INLINE,
  CELL_BOOLEAN,
  CELL_TEXT,      /* a formula's text result, or an error such as #N/A */
  CELL_DATE,      /* an ISO 8601 date, which only some writers use */
} CellType;

/* A part of the workbook being parsed: libxml2's push parser, fed from
 * the container a piece at a time, calls the handlers of whoever reads the
 * part with the Part as their context. */
typedef struct
{
  EvgXlsxReader    *self;
  char             *name;
  zip_file_t       *file;
  char             *buffer;   /* CHUNK bytes */
  guint64           size;     /* what its header says it unpacks to */
  guint64           prepaid;  /* of that, what was counted against the limit */
  guint64           read;
  xmlParserCtxtPtr  context;
  char             *failure;  /* what the XML or a handler found wrong */
  gpointer          data;     /* the state of whoever reads the part */
} Part;

/* A row parsed but not yet handed out.  Each cell is where its text
 * starts: at 0 or more, in the row's own text, where each cell's text
 * ends in a NUL and the first byte is a NUL for the cells left out; below
 * 0, shared text, as -1 - its index, so that shared text is never copied
 * into rows. */
typedef struct
{
  GList    link;    /* in the queue the row is in, without a GList of its own */
  guint    line;
  GArray  *cells;   /* of gssize */
  GString *text;
} Row;

struct _EvgXlsxReader
{
  zip_t      *zip;
  guint64     max_size;
  GMutex      size_lock;
  guint64     unpacked;    /* bytes inflated so far, every part together */
  gboolean    date1904;

  GPtrArray  *sheet_names;
  GPtrArray  *sheet_parts;
  GByteArray *date_styles; /* per cell format: whether it shows a date */

  /* The shared strings, parsed in a thread of their own (see
   * parse_strings()); these are the thread's while it runs. */
  zip_t       *strings_zip;   /* libzip's handles are not shared by threads */
  GThread     *strings_parser;
  Part         strings_part;
  GPtrArray   *string_blocks; /* their text, each string ending in a NUL */
  char        *block_next;
  gsize        block_free;
  GPtrArray   *string_pages;  /* of STRINGS_PAGE pointers into the blocks */
  guint        n_strings;
  gint         strings_stop;  /* the reader is freed (atomic) */

  /* Between the strings' thread and the reader, under strings_lock. */
  GMutex       strings_lock;
  GCond        strings_cond;
  guint        n_strings_known;
  gboolean     strings_finished;
  GError      *strings_error;

  /* The reader's own. */
  GPtrArray   *pages_seen;    /* the pages of string_pages known to it */
  guint        n_strings_seen;
  gboolean     strings_done;  /* every string is known to it */

  /* The sheet being read, parsed in a thread of its own (see
   * parse_sheet()); these are the parsing thread's while it runs. */
  guint        sheet;
  GThread     *parser;     /* NULL when no sheet is open */
  Part         part;
  gboolean     in_data;
  gboolean     in_inline;
  gboolean     in_phonetic;
  gboolean     collecting;
  Row         *row;        /* being parsed */
  int          column;     /* of the cell being parsed, or of the last */
  CellType     cell_type;
  guint        cell_style;
  gboolean     in_cell;
  gsize        cell_start; /* where the cell's text starts in the row's */
  GQueue       parsed;     /* rows parsed, not yet handed over */
  GQueue       empty;      /* rows to fill */
  guint        last_line;  /* the highest row number met */
  guint        n_blank;

  /* Between the parsing thread and the reader, under the lock. */
  GMutex       lock;
  GCond        cond;
  GQueue       handed;     /* rows parsed and handed over, in order */
  GQueue       returned;   /* rows handed out, to be filled again */
  gint         stop;       /* the reader asks the parser to stop (atomic) */
  gboolean     finished;   /* the parser stopped: at the end or at damage */
  GError      *parse_error;
  guint64      handed_read;
  guint        handed_last_line;
  guint        handed_n_blank;

  /* The reader's own. */
  GQueue       ready;      /* rows taken over, to be handed out in order */
  GQueue       used;       /* rows handed out, to go back */
  Row         *current;    /* the row handed out last */
  gboolean     done;       /* every row of the sheet was taken over */
  GError      *error;      /* what stopped the sheet early */
  guint64      read;       /* bytes of the sheet parsed, as last heard */
  guint        n_lines;    /* the highest row number parsed, as last heard */
  guint        n_blank_seen;
  GPtrArray   *fields;
};

/* libxml2 hands an element's attributes over as five pointers each: the
 * local name, the prefix, the namespace, and the start and end of the
 * value, which does not end in a NUL.  This is the value of the attribute
 * @wanted that has no prefix, as the spreadsheet attributes have none. */
static const char *
find_attribute (int             n_attributes,
                const xmlChar **attributes,
                const char     *wanted,
                gsize          *len)
{
  for (int i = 0; i < n_attributes; i++, attributes += 5)
    if (attributes[1] == NULL && strcmp ((const char *) attributes[0], wanted) == 0)
      {
        *len = (gsize) (attributes[4] - attributes[3]);
        return (const char *) attributes[3];
      }
  return NULL;
}

static char *
dup_attribute (int             n_attributes,
               const xmlChar **attributes,
               const char     *wanted)
{
  gsize len;
  const char *value = find_attribute (n_attributes, attributes, wanted, &len);

  return value != NULL ? g_strndup (value, len) : NULL;
}

/* Whether the attribute value @value of @len bytes is @wanted. */
static inline gboolean
value_is (const char *value,
          gsize       len,
          const char *wanted)
{
  return value != NULL && strlen (wanted) == len && memcmp (value, wanted, len) == 0;
}

/* The relationship id of an element, r:id in whatever prefix the writer
 * gave the relationships namespace. */
static char *
dup_relationship_id (int             n_attributes,
                     const xmlChar **attributes)
{
  for (int i = 0; i < n_attributes; i++, attributes += 5)
    if (attributes[1] != NULL && strcmp ((const char *) attributes[0], "id") == 0)
      return g_strndup ((const char *) attributes[3], (gsize) (attributes[4] - attributes[3]));
  return NULL;
}

/* A decimal number of at most @max in an attribute value; FALSE when the
 * value is anything else. */
static gboolean
parse_uint (const char *value,
            gsize       len,
            guint       max,
            guint      *out)
{
  guint n = 0;

  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return FALSE;
      n = n * 10 + (guint) (value[i] - '0');
      if (n > max)
        return FALSE;
    }
  *out = n;
  return TRUE;
}

static void
set_damaged_error (EvgXlsxReader  *self,
                   const char     *part,
                   const char     *detail,
                   GError        **error)
{
  g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED,
               _("The workbook is damaged: its part “%s” cannot be read (%s). Open it in Excel "
                 "or WPS, save it again and import the saved file."),
               part, detail);
}

static void
set_too_large_error (EvgXlsxReader  *self,
                     GError        **error)
{
  g_autofree char *max_text = g_format_size (self->max_size);

  g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE,
               _("The workbook unpacks to more than the limit of %s for an import. Split it "
                 "into smaller files, or raise the limit (--max-size on the command line, the "
                 "import-size-limit setting in the app)."),
               max_text);
}

/* Opens @part for reading, checking what its header says it unpacks to
 * against the limit; the bytes are counted again as they come, as a
 * header may lie. */
static zip_file_t *
open_part (EvgXlsxReader  *self,
           zip_t          *zip,
           const char     *part,
           guint64        *size,
           GError        **error)
{
  zip_int64_t index = zip_name_locate (zip, part, ZIP_FL_NOCASE);
  zip_stat_t st;
  zip_file_t *file;
  guint64 unpacked;

  if (index < 0)
    {
      set_damaged_error (self, part, _("the workbook names it, but it is missing"), error);
      return NULL;
    }
  zip_stat_init (&st);
  if (zip_stat_index (zip, (zip_uint64_t) index, 0, &st) != 0)
    {
      set_damaged_error (self, part, zip_error_strerror (zip_get_error (zip)), error);
      return NULL;
    }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && st.encryption_method != ZIP_EM_NONE)
    {
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_ENCRYPTED,
                           _("The workbook is protected by a password. Remove the password in "
                             "Excel or WPS, save the workbook and import it again."));
      return NULL;
    }
  g_mutex_lock (&self->size_lock);
  unpacked = self->unpacked;
  g_mutex_unlock (&self->size_lock);
  if ((st.valid & ZIP_STAT_SIZE) != 0 && st.size > self->max_size - MIN (unpacked, self->max_size))
    {
      set_too_large_error (self, error);
      return NULL;
    }
  file = zip_fopen_index (zip, (zip_uint64_t) index, 0);
  if (file == NULL)
    {
      set_damaged_error (self, part, zip_error_strerror (zip_get_error (zip)), error);
      return NULL;
    }
  *size = (st.valid & ZIP_STAT_SIZE) != 0 ? st.size : 0;
  return file;
}

/* Reads the next piece of @part into its buffer, counting the bytes
 * against the limit, for every part together, whichever thread reads it;
 * 0 at its end, -1 with @error set. */
static gssize
read_part (Part    *part,
           GError **error)
{
  EvgXlsxReader *self = part->self;
  zip_int64_t n = zip_fread (part->file, part->buffer, CHUNK);
  guint64 read, counted;
  gboolean over;

  if (n < 0)
    {
      set_damaged_error (self, part->name, zip_error_strerror (zip_file_get_error (part->file)), error);
      return -1;
    }
  read = part->read + (guint64) n;
  counted = read > part->prepaid ? read - MAX (part->read, part->prepaid) : 0;
  part->read = read;
  g_mutex_lock (&self->size_lock);
  self->unpacked += counted;
  over = self->unpacked > self->max_size;
  g_mutex_unlock (&self->size_lock);
  if (over)
    {
      set_too_large_error (self, error);
      return -1;
    }
  return (gssize) n;
}

/* Keeps the first error that makes libxml2 stop: its fatal errors and
 * the others that break the XML.  Namespace errors (a prefix that was
 * never declared) are let pass: the parts are read by their elements'
 * local names, whatever the namespace. */
static void
part_xml_error (void        *user_data,
                XmlErrorArg *error)
{
  Part *part = user_data;
  g_autofree char *message = NULL;

  if (part->failure != NULL || error->level < XML_ERR_ERROR || error->domain == XML_FROM_NAMESPACE)
    return;
  message = g_strchomp (g_strdup (error->message != NULL ? error->message : ""));
  part->failure = g_strdup_printf (_("line %d, column %d: %s"), error->line, error->int2, message);
}

/* Stops parsing @part for what a handler found wrong in it. */
static void G_GNUC_PRINTF (2, 3)
part_fail (Part       *part,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (part->failure != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  part->failure = g_strdup_printf (_("line %d, column %d: %s"),
                                   xmlSAX2GetLineNumber (part->context),
                                   xmlSAX2GetColumnNumber (part->context), message);
  xmlStopParser (part->context);
}

/* The parts of a package never declare a document type (Open Packaging
 * Conventions, ECMA-376 part 2); one that does is refused before its
 * declarations are read, entities and all. */
static void
part_doctype (void          *user_data,
              const xmlChar *name,
              const xmlChar *public_id,
              const xmlChar *system_id)
{
  part_fail (user_data, _("it declares a document type, which no part of a workbook does"));
}

static void
part_close (Part *part)
{
  /* In SAX mode libxml2 may still keep declarations in a document of its
   * own, which is the caller's to free. */
  if (part->context != NULL && part->context->myDoc != NULL)
    g_clear_pointer (&part->context->myDoc, xmlFreeDoc);
  g_clear_pointer (&part->context, xmlFreeParserCtxt);
  if (part->file != NULL)
    zip_fclose (part->file);
  part->file = NULL;
  g_clear_pointer (&part->buffer, g_free);
  g_clear_pointer (&part->name, g_free);
  g_clear_pointer (&part->failure, g_free);
}

/* Opens @name for parsing with the handlers given, which are called with
 * the Part, its @data for their own state. */
static gboolean
part_open (Part                    *part,
           EvgXlsxReader           *self,
           zip_t                   *zip,
           const char              *name,
           startElementNsSAX2Func   start,
           endElementNsSAX2Func     end,
           charactersSAXFunc        text,
           gpointer                 data,
           GError                 **error)
{
  xmlSAXHandler sax;

  memset (part, 0, sizeof *part);
  part->self = self;
  part->data = data;
  part->file = open_part (self, zip, name, &part->size, error);
  if (part->file == NULL)
    return FALSE;
  part->name = g_strdup (name);
  part->buffer = g_malloc (CHUNK);

  memset (&sax, 0, sizeof sax);
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = start;
  sax.endElementNs = end;
  sax.characters = text;
  /* Spaces are text like any other: a cell may hold nothing else. */
  sax.ignorableWhitespace = text;
  sax.internalSubset = part_doctype;
  sax.serror = part_xml_error;
  /* libxml2 copies the handlers. */
  part->context = xmlCreatePushParserCtxt (&sax, part, NULL, 0, name);
  if (part->context == NULL)
    g_error ("%s: out of memory", G_STRFUNC);
  xmlCtxtUseOptions (part->context, PARSE_OPTIONS);
  return TRUE;
}

/* Parses the next piece of @part: 1 while there is more to come, 0 at its
 * end, -1 with @error set. */
static int
part_feed (Part    *part,
           GError **error)
{
  EvgXlsxReader *self = part->self;
  gssize n = read_part (part, error);

  if (n < 0)
    return -1;
  xmlParseChunk (part->context, part->buffer, (int) n, n == 0);
  if (part->failure == NULL && !part->context->wellFormed)
    {
      const xmlError *last = xmlCtxtGetLastError (part->context);

      part->failure = g_strchomp (g_strdup (last != NULL && last->message != NULL
                                            ? last->message : "XML"));
    }
  if (part->failure != NULL)
    {
      set_damaged_error (self, part->name, part->failure, error);
      return -1;
    }
  return n > 0 ? 1 : 0;
}

/* Parses the whole of a small part (the workbook, its relationships, the
 * styles). */
static gboolean
parse_part (EvgXlsxReader           *self,
            const char              *name,
            startElementNsSAX2Func   start,
            endElementNsSAX2Func     end,
            charactersSAXFunc        text,
            gpointer                 data,
            GError                 **error)
{
  Part part;
  int more;

  if (!part_open (&part, self, self->zip, name, start, end, text, data, error))
    return FALSE;
  while ((more = part_feed (&part, error)) > 0)
    ;
  part_close (&part);
  return more == 0;
}

/* The part that a relationship's @target names, from the folder of the
 * part whose relationships they are: "worksheets/sheet1.xml" from
 * "xl/workbook.xml" is "xl/worksheets/sheet1.xml", "/xl/…" is absolute. */
static char *
resolve_target (const char *source,
                const char *target)
{
  g_autofree char *dir = NULL;
  g_autofree char *joined = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new ();

  if (target[0] == '/')
    joined = g_strdup (target + 1);
  else
    {
      dir = g_path_get_dirname (source);
      joined = g_str_equal (dir, ".") ? g_strdup (target) : g_strconcat (dir, "/", target, NULL);
    }
  parts = g_strsplit (joined, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "..") && out->len > 0)
        g_ptr_array_set_size (out, out->len - 1);
      else if (*parts[i] != '\0' && !g_str_equal (parts[i], ".") && !g_str_equal (parts[i], ".."))
        g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  return g_strjoinv ("/", (char **) out->pdata);
}

/* Where the relationships of @part are: xl/workbook.xml's in
 * xl/_rels/workbook.xml.rels, the package's ("") in _rels/.rels. */
static char *
rels_part (const char *part)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;

  if (*part == '\0')
    return g_strdup ("_rels/.rels");
  dir = g_path_get_dirname (part);
  base = g_path_get_basename (part);
  if (g_str_equal (dir, "."))
    return g_strconcat ("_rels/", base, ".rels", NULL);
  return g_strconcat (dir, "/_rels/", base, ".rels", NULL);
}

typedef struct
{
  const char *source;       /* whose relationships these are */
  GHashTable *targets;      /* id → part */
  char       *office;       /* the main document */
  char       *strings;
  char       *styles;
  GHashTable *worksheets;   /* parts that are worksheets (not charts) */
} Rels;

static void
rels_start (void           *user_data,
            const xmlChar  *element,
            const xmlChar  *prefix,
            const xmlChar  *uri,
            int             n_namespaces,
            const xmlChar **namespaces,
            int             n_attributes,
            int             n_defaulted,
            const xmlChar **attributes)
{
  Rels *rels = ((Part *) user_data)->data;
  g_autofree char *id = NULL;
  g_autofree char *type = NULL;
  g_autofree char *target = NULL;
  g_autofree char *mode = NULL;
  char *part;

  if (strcmp ((const char *) element, "Relationship") != 0)
    return;
  id = dup_attribute (n_attributes, attributes, "Id");
  type = dup_attribute (n_attributes, attributes, "Type");
  target = dup_attribute (n_attributes, attributes, "Target");
  mode = dup_attribute (n_attributes, attributes, "TargetMode");
  if (id == NULL || type == NULL || target == NULL || g_strcmp0 (mode, "External") == 0)
    return;

  part = resolve_target (rels->source, target);
  /* Transitional and Strict OOXML differ in the start of the type only. */
  if (g_str_has_suffix (type, "/officeDocument") && rels->office == NULL)
    rels->office = g_strdup (part);
  else if (g_str_has_suffix (type, "/sharedStrings") && rels->strings == NULL)
    rels->strings = g_strdup (part);
  else if (g_str_has_suffix (type, "/styles") && rels->styles == NULL)
    rels->styles = g_strdup (part);
  else if (g_str_has_suffix (type, "/worksheet"))
    g_hash_table_add (rels->worksheets, g_strdup (part));
  g_hash_table_replace (rels->targets, g_steal_pointer (&id), part);
}

static void
rels_clear (Rels *rels)
{
  g_clear_pointer (&rels->targets, g_hash_table_unref);
  g_clear_pointer (&rels->worksheets, g_hash_table_unref);
  g_clear_pointer (&rels->office, g_free);
  g_clear_pointer (&rels->strings, g_free);
  g_clear_pointer (&rels->styles, g_free);
}

static gboolean
read_rels (EvgXlsxReader  *self,
           const char     *source,
           Rels           *rels,
           GError        **error)
{
  g_autofree char *part = rels_part (source);

  rels->source = source;
  rels->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  rels->worksheets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return parse_part (self, part, rels_start, NULL, NULL, rels, error);
}

typedef struct
{
  EvgXlsxReader *self;
  Rels          *rels;
} WorkbookParse;

static void
workbook_start (void           *user_data,
                const xmlChar  *element,
                const xmlChar  *prefix,
                const xmlChar  *uri,
                int             n_namespaces,
                const xmlChar **namespaces,
                int             n_attributes,
                int             n_defaulted,
                const xmlChar **attributes)
{
  WorkbookParse *parse = ((Part *) user_data)->data;
  const char *name = (const char *) element;

  if (strcmp (name, "workbookPr") == 0)
    {
      gsize len = 0;
      const char *date1904 = find_attribute (n_attributes, attributes, "date1904", &len);

      parse->self->date1904 = value_is (date1904, len, "1") || value_is (date1904, len, "true");
    }
  else if (strcmp (name, "sheet") == 0)
    {
      g_autofree char *sheet_name = dup_attribute (n_attributes, attributes, "name");
      g_autofree char *state = dup_attribute (n_attributes, attributes, "state");
      g_autofree char *id = dup_relationship_id (n_attributes, attributes);
      const char *part = id != NULL ? g_hash_table_lookup (parse->rels->targets, id) : NULL;

      /* Hidden sheets hold what the visible ones look up; charts and
       * macro sheets hold no rows. */
      if (part == NULL || !g_hash_table_contains (parse->rels->worksheets, part) ||
          (state != NULL && !g_str_equal (state, "visible")))
        return;
      g_ptr_array_add (parse->self->sheet_names,
                       sheet_name != NULL ? g_steal_pointer (&sheet_name) : g_strdup (""));
      g_ptr_array_add (parse->self->sheet_parts, g_strdup (part));
    }
}

/* The shared strings are parsed in a thread of their own while the first
 * rows are read, rather than before: they hold most of a workbook's text
 * (parsing them took 0.07 s of a 100,000-row import, with the other core
 * idle).  Each string stays where it was put: the text in blocks, and
 * where each starts in pages of pointers, so that the reader can take
 * those parsed so far while more are added.  They are made known to the
 * reader STRINGS_BATCH at a time. */
#define STRINGS_BLOCK (64 * 1024)
#define STRINGS_PAGE  4096
#define STRINGS_BATCH 1024

/* Makes the strings parsed so far known to the reader, and with @finished
 * that there are no more: all of them, or those before @error. */
static void
publish_strings (EvgXlsxReader *self,
                 gboolean       finished,
                 GError        *error)
{
  g_mutex_lock (&self->strings_lock);
  self->n_strings_known = self->n_strings;
  if (finished)
    {
      self->strings_finished = TRUE;
      self->strings_error = error;
    }
  g_cond_broadcast (&self->strings_cond);
  g_mutex_unlock (&self->strings_lock);
}

/* Keeps the next shared string, @len bytes of @text (the strings'
 * thread). */
static void
add_shared_string (EvgXlsxReader *self,
                   const char    *text,
                   gsize          len)
{
  const char **page;

  if (self->block_free < len + 1)
    {
      gsize size = MAX (STRINGS_BLOCK, len + 1);

      self->block_next = g_malloc (size);
      self->block_free = size;
      g_ptr_array_add (self->string_blocks, self->block_next);
    }
  /* The reader copies the list of pages under the lock. */
  if (self->n_strings % STRINGS_PAGE == 0)
    {
      g_mutex_lock (&self->strings_lock);
      g_ptr_array_add (self->string_pages, g_new (const char *, STRINGS_PAGE));
      g_mutex_unlock (&self->strings_lock);
    }
  page = g_ptr_array_index (self->string_pages, self->n_strings / STRINGS_PAGE);
  page[self->n_strings % STRINGS_PAGE] = self->block_next;
  memcpy (self->block_next, text, len);
  self->block_next[len] = '\0';
  self->block_next += len + 1;
  self->block_free -= len + 1;
  if (++self->n_strings % STRINGS_BATCH == 0)
    publish_strings (self, FALSE, NULL);
}

/* Waits until the shared string @index is known to the reader, or all of
 * them are (the reader's side). */
static void
wait_for_strings (EvgXlsxReader *self,
                  guint          index)
{
  g_mutex_lock (&self->strings_lock);
  while (index >= self->n_strings_known && !self->strings_finished)
    g_cond_wait (&self->strings_cond, &self->strings_lock);
  self->n_strings_seen = self->n_strings_known;
  while (self->pages_seen->len < self->string_pages->len)
    g_ptr_array_add (self->pages_seen, g_ptr_array_index (self->string_pages, self->pages_seen->len));
  self->strings_done = self->strings_finished;
  g_mutex_unlock (&self->strings_lock);
}

/* The shared string @index, or %NULL when the workbook has none such. */
static const char *
shared_string (EvgXlsxReader *self,
               guint          index)
{
  const char **page;

  if (index >= self->n_strings_seen && !self->strings_done)
    wait_for_strings (self, index);
  if (index >= self->n_strings_seen)
    return NULL;
  page = g_ptr_array_index (self->pages_seen, index / STRINGS_PAGE);
  return page[index % STRINGS_PAGE];
}

/* Text from <t> elements, outside phonetic guides (<rPh>): the shared
 * strings' and the inline strings' alike. */
typedef struct
{
  EvgXlsxReader *self;
  gboolean       in_text;
  gboolean       in_phonetic;
  GString       *value;
} StringsParse;

static void
strings_start (void           *user_data,
               const xmlChar  *element,
               const xmlChar  *prefix,
               const xmlChar  *uri,
               int             n_namespaces,
               const xmlChar **namespaces,
               int             n_attributes,
               int             n_defaulted,
               const xmlChar **attributes)
{
  StringsParse *parse = ((Part *) user_data)->data;
  const char *name = (const char *) element;

  if (strcmp (name, "si") == 0)
    g_string_truncate (parse->value, 0);
  else if (strcmp (name, "t") == 0)
    parse->in_text = !parse->in_phonetic;
  else if (strcmp (name, "rPh") == 0)
    parse->in_phonetic = TRUE;
}

static void
strings_end (void          *user_data,
             const xmlChar *element,
             const xmlChar *prefix,
             const xmlChar *uri)
{
  StringsParse *parse = ((Part *) user_data)->data;
  const char *name = (const char *) element;

  if (strcmp (name, "t") == 0)
    parse->in_text = FALSE;
  else if (strcmp (name, "rPh") == 0)
    parse->in_phonetic = FALSE;
  else if (strcmp (name, "si") == 0)
    add_shared_string (parse->self, parse->value->str, parse->value->len);
}

/* Adds a piece of a text node to the value that starts at @start in
 * @value, up to MAX_TEXT. */
static void
collect_text (Part          *part,
              GString       *value,
              gsize          start,
              const xmlChar *text,
              int            len)
{
  if (value->len - start + (gsize) len > MAX_TEXT)
    {
      part_fail (part, _("a text holds more than a spreadsheet cell can"));
      return;
    }
  g_string_append_len (value, (const char *) text, len);
}

static void
strings_text (void          *user_data,
              const xmlChar *text,
              int            len)
{
  Part *part = user_data;
  StringsParse *parse = part->data;

  if (parse->in_text)
    collect_text (part, parse->value, 0, text, len);
}

/* The strings' thread: parses the shared strings, making them known to
 * the reader as it goes, to their end, to damage, or until the reader is
 * freed. */
static gpointer
parse_strings (gpointer data)
{
  EvgXlsxReader *self = data;
  g_autoptr(GString) value = g_string_new (NULL);
  StringsParse parse = { self, FALSE, FALSE, value };
  GError *error = NULL;
  int more;

  self->strings_part.data = &parse;
  do
    more = part_feed (&self->strings_part, &error);
  while (more > 0 && !g_atomic_int_get (&self->strings_stop));
  part_close (&self->strings_part);
  g_clear_pointer (&self->strings_zip, zip_discard);
  publish_strings (self, TRUE, error);
  return NULL;
}

/* Whether a number format code shows a date: it has a year or a day in
 * it, outside quoted text, escapes and [colour] or [$-locale] brackets.
 * "m" alone may be minutes, so it does not count. */
static gboolean
format_code_is_date (const char *code)
{
  for (const char *p = code; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          p = strchr (p + 1, '"');
          if (p == NULL)
            return FALSE;
          break;
        case '[':
          p = strchr (p + 1, ']');
          if (p == NULL)
            return FALSE;
          break;
        case '\\':
        case '_':
        case '*':
          if (p[1] == '\0')
            return FALSE;
          p++;
          break;
        case ';':
          /* The first section is the one numbers use. */
          return FALSE;
        case 'y': case 'Y': case 'd': case 'D': case 'e':
          return TRUE;
        default:
          break;
        }
    }
  return FALSE;
}

/* The built-in number formats that show a date (with or without a time),
 * the Chinese ones among 27–36 and 50–58 included; the others there show
 * times alone. */
static gboolean
builtin_is_date (guint id)
{
  return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
         (id >= 50 && id <= 54) || id == 57 || id == 58;
}

typedef struct
{
  EvgXlsxReader *self;
  GHashTable    *custom;    /* numFmtId → whether it is a date */
  gboolean       in_cell_formats;
} StylesParse;

static void
styles_start (void           *user_data,
              const xmlChar  *element,
              const xmlChar  *prefix,
              const xmlChar  *uri,
              int             n_namespaces,
              const xmlChar **namespaces,
              int             n_attributes,
              int             n_defaulted,
              const xmlChar **attributes)
{
  StylesParse *parse = ((Part *) user_data)->data;
  const char *name = (const char *) element;

  if (strcmp (name, "numFmt") == 0)
    {
      g_autofree char *id = dup_attribute (n_attributes, attributes, "numFmtId");
      g_autofree char *code = dup_attribute (n_attributes, attributes, "formatCode");

      if (id != NULL && code != NULL)
        g_hash_table_insert (parse->custom, GUINT_TO_POINTER (strtoul (id, NULL, 10)),
                             GINT_TO_POINTER (format_code_is_date (code)));
    }
  else if (strcmp (name, "cellXfs") == 0)
    parse->in_cell_formats = TRUE;
  else if (strcmp (name, "xf") == 0 && parse->in_cell_formats)
    {
      g_autofree char *id_text = dup_attribute (n_attributes, attributes, "numFmtId");
      guint id = id_text != NULL ? (guint) strtoul (id_text, NULL, 10) : 0;
      gpointer custom;
      guint8 date;

      if (g_hash_table_lookup_extended (parse->custom, GUINT_TO_POINTER (id), NULL, &custom))
        date = GPOINTER_TO_INT (custom) != 0;
      else
        date = builtin_is_date (id);
      g_byte_array_append (parse->self->date_styles, &date, 1);
    }
}

static void
styles_end (void          *user_data,
            const xmlChar *element,
            const xmlChar *prefix,
            const xmlChar *uri)
{
  StylesParse *parse = ((Part *) user_data)->data;

  if (strcmp ((const char *) element, "cellXfs") == 0)
    parse->in_cell_formats = FALSE;
}

/* Reads what every sheet needs: the sheets in their order and which cell
 * formats show dates, and finds the shared strings. */
static gboolean
read_workbook (EvgXlsxReader  *self,
               char          **strings,
               GError        **error)
{
  Rels root = { 0 }, rels = { 0 };
  g_autofree char *workbook = NULL;
  gboolean ok = FALSE;

  /* The package says where its workbook is; files without that
   * relationship are all but unheard of, but xl/workbook.xml is where
   * every writer puts it. */
  if (zip_name_locate (self->zip, "_rels/.rels", ZIP_FL_NOCASE) >= 0)
    {
      if (!read_rels (self, "", &root, error))
        goto out;
      workbook = g_strdup (root.office);
    }
  if (workbook == NULL)
    workbook = g_strdup ("xl/workbook.xml");
  if (zip_name_locate (self->zip, workbook, ZIP_FL_NOCASE) < 0)
    {
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_NOT_WORKBOOK,
                           _("The file is a ZIP archive but not an Excel workbook (.xlsx). Save "
                             "the roster from Excel or WPS as “Excel Workbook (*.xlsx)” or as "
                             "“CSV UTF-8” and import that file."));
      goto out;
    }

  if (!read_rels (self, workbook, &rels, error))
    goto out;
  {
    WorkbookParse parse = { self, &rels };

    if (!parse_part (self, workbook, workbook_start, NULL, NULL, &parse, error))
      goto out;
  }

  if (rels.strings != NULL && zip_name_locate (self->zip, rels.strings, ZIP_FL_NOCASE) >= 0)
    *strings = g_strdup (rels.strings);
  if (rels.styles != NULL && zip_name_locate (self->zip, rels.styles, ZIP_FL_NOCASE) >= 0)
    {
      g_autoptr(GHashTable) custom = g_hash_table_new (NULL, NULL);
      StylesParse parse = { self, custom, FALSE };

      if (!parse_part (self, rels.styles, styles_start, styles_end, NULL, &parse, error))
        goto out;
    }
  ok = TRUE;

out:
  rels_clear (&root);
  rels_clear (&rels);
  return ok;
}

/**
 * evg_xlsx_file_is_workbook:
 *
 * Whether @path is an ordinary file that starts as a ZIP archive does, as
 * every .xlsx workbook does: the importers read it with #EvgXlsxReader
 * rather than as CSV, whatever its name ends in.
 */
gboolean
evg_xlsx_file_is_workbook (const char *path)
{
  static const char zip[] = { 'P', 'K', 0x03, 0x04 };
  char head[sizeof zip];
  struct stat st;
  gboolean workbook = FALSE;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Without blocking: opening a pipe would wait for a writer. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) &&
      read (fd, head, sizeof head) == (gssize) sizeof head)
    workbook = memcmp (head, zip, sizeof zip) == 0;
  close (fd);
  return workbook;
}

/* Opens the workbook at @path with a libzip handle of its own, filling
 * @st; @first, when not %NULL, is what the reader opened first, which it
 * must still be. */
static zip_t *
open_zip (EvgXlsxReader      *self,
          const char         *path,
          const struct stat  *first,
          struct stat        *st,
          GError            **error)
{
  zip_t *zip = NULL;
  int fd, code = 0;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error_literal (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, st) != 0 || !S_ISREG (st->st_mode))
    {
      close (fd);
      g_set_error_literal (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_NOT_FILE,
                           _("It is not an ordinary file. Save the workbook as a file and "
                             "import that file."));
      return NULL;
    }
  if ((guint64) st->st_size > self->max_size)
    {
      g_autofree char *size_text = g_format_size ((guint64) st->st_size);
      g_autofree char *max_text = g_format_size (self->max_size);

      close (fd);
      g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE,
                   _("The file is %s, more than the limit of %s for an import. Split it into "
                     "smaller files, or raise the limit (--max-size on the command line, the "
                     "import-size-limit setting in the app)."),
                   size_text, max_text);
      return NULL;
    }

  if (first != NULL && (st->st_dev != first->st_dev || st->st_ino != first->st_ino ||
                        st->st_size != first->st_size))
    {
      /* Replaced since the reader opened it. */
      close (fd);
      code = ZIP_ER_CHANGED;
    }
  else
    {
      /* libzip owns the descriptor from here on, even when it fails. */
      zip = zip_fdopen (fd, ZIP_RDONLY, &code);
    }
  if (zip == NULL)
    {
      zip_error_t zip_error;

      zip_error_init_with_code (&zip_error, code);
      g_set_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED,
                   _("The workbook is damaged or incomplete (%s): it may have been cut short "
                     "while it was copied or downloaded. Open it in Excel or WPS, save it again "
                     "and import the saved file."),
                   zip_error_strerror (&zip_error));
      zip_error_fini (&zip_error);
    }
  return zip;
}

/**
 * evg_xlsx_reader_new_for_path:
 * @max_size: the most bytes to read, the file itself and what its parts
 *   unpack to each; the same limit as for CSV files guards against a
 *   small file that unpacks to gigabytes
 *
 * Opens a workbook and reads its list of sheets and its styles, and
 * starts on its shared strings, which are read alongside the rows: damage
 * in them stops a sheet, at the latest at its end, as damage in the sheet
 * does.  Then evg_xlsx_reader_open_sheet() starts on a sheet.
 *
 * Returns: (transfer full) (nullable): a reader, or %NULL with an
 *   #EVG_XLSX_ERROR or a #GFileError
 */
EvgXlsxReader *
evg_xlsx_reader_new_for_path (const char  *path,
                              guint64      max_size,
                              GError     **error)
{
  static gsize xml_ready = 0;
  g_autoptr(EvgXlsxReader) self = NULL;
  g_autofree char *strings = NULL;
  struct stat st;

  g_return_val_if_fail (path != NULL, NULL);

  /* libxml2 asks to be set up once before threads use it: imports read
   * workbooks in threads of their own. */
  if (g_once_init_enter (&xml_ready))
    {
      xmlInitParser ();
      g_once_init_leave (&xml_ready, 1);
    }

  self = g_new0 (EvgXlsxReader, 1);
  self->max_size = max_size;
  self->sheet_names = g_ptr_array_new_with_free_func (g_free);
  self->sheet_parts = g_ptr_array_new_with_free_func (g_free);
  self->date_styles = g_byte_array_new ();
  self->string_blocks = g_ptr_array_new_with_free_func (g_free);
  self->string_pages = g_ptr_array_new_with_free_func (g_free);
  self->pages_seen = g_ptr_array_new ();
  self->fields = g_ptr_array_new ();
  self->sheet = G_MAXUINT;
  g_mutex_init (&self->size_lock);
  g_mutex_init (&self->strings_lock);
  g_cond_init (&self->strings_cond);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  self->zip = open_zip (self, path, NULL, &st, error);
  if (self->zip == NULL)
    return NULL;

  if (!read_workbook (self, &strings, error))
    return NULL;
  if (strings == NULL)
    self->strings_done = self->strings_finished = TRUE;
  else
    {
      /* Opened here, so that a part too large or protected is refused at
       * once, as the others are; what its header says it unpacks to is
       * counted against the limit at once too, as if it was read. */
      self->strings_zip = open_zip (self, path, &st, &st, error);
      if (self->strings_zip == NULL ||
          !part_open (&self->strings_part, self, self->strings_zip, strings, strings_start,
                      strings_end, strings_text, NULL, error))
        return NULL;
      self->strings_part.prepaid = self->strings_part.size;
      g_mutex_lock (&self->size_lock);
      self->unpacked += self->strings_part.prepaid;
      g_mutex_unlock (&self->size_lock);
      self->strings_parser = g_thread_new ("evg-xlsx-strings", parse_strings, self);
    }
  return g_steal_pointer (&self);
}


static void
row_free (Row *row)
{
  g_array_unref (row->cells);
  g_string_free (row->text, TRUE);
  g_free (row);
}

static void
push_row (GQueue *queue,
          Row    *row)
{
  g_queue_push_tail_link (queue, &row->link);
}

static Row *
pop_row (GQueue *queue)
{
  GList *link = g_queue_pop_head_link (queue);

  return link != NULL ? link->data : NULL;
}

/* Moves every row of @from to the end of @to. */
static void
queue_move_all (GQueue *to,
                GQueue *from)
{
  if (from->head == NULL)
    return;
  if (to->tail == NULL)
    *to = *from;
  else
    {
      to->tail->next = from->head;
      from->head->prev = to->tail;
      to->tail = from->tail;
      to->length += from->length;
    }
  g_queue_init (from);
}

/* Lets go of the sheet being read, stopping its parser and keeping the
 * rows for reuse. */
static void
close_sheet (EvgXlsxReader *self)
{
  if (self->parser != NULL)
    {
      g_mutex_lock (&self->lock);
      g_atomic_int_set (&self->stop, TRUE);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->parser));
    }
  part_close (&self->part);
  g_clear_error (&self->error);
  g_clear_error (&self->parse_error);
  if (self->row != NULL)
    push_row (&self->empty, g_steal_pointer (&self->row));
  if (self->current != NULL)
    push_row (&self->empty, g_steal_pointer (&self->current));
  queue_move_all (&self->empty, &self->parsed);
  queue_move_all (&self->empty, &self->handed);
  queue_move_all (&self->empty, &self->returned);
  queue_move_all (&self->empty, &self->ready);
  queue_move_all (&self->empty, &self->used);
}

void
evg_xlsx_reader_free (EvgXlsxReader *reader)
{
  Row *row;

  if (reader == NULL)
    return;
  close_sheet (reader);
  while ((row = pop_row (&reader->empty)) != NULL)
    row_free (row);
  g_mutex_clear (&reader->lock);
  g_cond_clear (&reader->cond);
  if (reader->strings_parser != NULL)
    {
      g_atomic_int_set (&reader->strings_stop, TRUE);
      g_thread_join (reader->strings_parser);
    }
  part_close (&reader->strings_part);
  if (reader->strings_zip != NULL)
    zip_discard (reader->strings_zip);
  g_clear_error (&reader->strings_error);
  g_mutex_clear (&reader->strings_lock);
  g_cond_clear (&reader->strings_cond);
  g_mutex_clear (&reader->size_lock);
  if (reader->zip != NULL)
    zip_discard (reader->zip);
  g_ptr_array_unref (reader->sheet_names);
  g_ptr_array_unref (reader->sheet_parts);
  g_ptr_array_unref (reader->string_blocks);
  g_ptr_array_unref (reader->string_pages);
  g_ptr_array_unref (reader->pages_seen);
  g_byte_array_unref (reader->date_styles);
  g_ptr_array_unref (reader->fields);
  g_free (reader);
}

/* The sheets that can hold rows (visible worksheets), in the workbook's
 * order. */
guint
evg_xlsx_reader_get_n_sheets (EvgXlsxReader *reader)
{
  return reader->sheet_names->len;
}

const char *
evg_xlsx_reader_get_sheet_name (EvgXlsxReader *reader,
                                guint          sheet)
{
  g_return_val_if_fail (sheet < reader->sheet_names->len, NULL);

  return g_ptr_array_index (reader->sheet_names, sheet);
}

/* Whether the workbook counts its dates from 1904 (old Excel for Mac). */
gboolean
evg_xlsx_reader_get_date1904 (EvgXlsxReader *reader)
{
  return reader->date1904;
}

/* Days are counted here from 1 March of the year 0, in the Gregorian
 * calendar run backwards: a year from March on ends in its leap day.
 * These are the days that Excel counts from: 30 December 1899 for the
 * 1900 system after its 29 February 1900 that never was, 31 December 1899
 * before it, and 1 January 1904 for the 1904 system. */
#define DAY_1899_12_30 693899
#define DAY_1899_12_31 693900
#define DAY_1904_01_01 695361

/* Writes day @day as YYYY-MM-DD: imports turn two or three dates a row,
 * and GDate took most of the time of each. */
static void
format_day (guint day,
            char  out[EVG_DATE_SIZE])
{
  guint n400 = day / 146097, rest = day % 146097;
  guint n100 = MIN (rest / 36524, 3), n4, n1, year, month, m;
  GDate date;

  rest -= n100 * 36524;
  n4 = rest / 1461;
  rest -= n4 * 1461;
  n1 = MIN (rest / 365, 3);
  rest -= n1 * 365;
  year = n400 * 400 + n100 * 100 + n4 * 4 + n1;
  /* From March, the months have 31, 30, 31, 30 and 31 days, twice, then
   * 31 and February's rest: 153 days for every five months. */
  m = (5 * rest + 2) / 153;
  month = m < 10 ? m + 3 : m - 9;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) (rest - (153 * m + 2) / 5 + 1), (GDateMonth) month,
                  (GDateYear) (month <= 2 ? year + 1 : year));
  evg_format_date_into (&date, out);
}

/* What evg_xlsx_serial_to_date() does, into @out: a sheet has a date in
 * every row or more, and evg_format_date_into() spells the digits out in a
 * fraction of the time that printf() takes. */
static gboolean
serial_to_date (const char *text,
                gboolean    date1904,
                char        out[EVG_DATE_SIZE])
{
  const char *p;
  guint days = 0;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  /* Whole days in plain digits, as date cells hold them, without the cost
   * of strtod(); a date already spelt out (1980-01-01) is none, as
   * strtod() would stop at its dash too.  Anything else goes through
   * strtod() as before. */
  for (p = text; g_ascii_isdigit (*p) && days <= MAX_SERIAL; p++)
    days = days * 10 + (guint) (*p - '0');
  if (*p == '-')
    return FALSE;
  if (*p != '\0' || days > MAX_SERIAL)
    {
      char *end = NULL;
      double serial = g_ascii_strtod (text, &end);

      if (end == text || *end != '\0' || !isfinite (serial) || serial < 1 || serial > MAX_SERIAL)
        return FALSE;
      days = (guint) floor (serial);
    }
  else if (days < 1)
    return FALSE;

  if (date1904)
    {
      if (days > MAX_SERIAL - 1462)
        return FALSE;
      days += DAY_1904_01_01;
    }
  else if (days == 60)
    return FALSE;
  else
    days += days < 60 ? DAY_1899_12_31 : DAY_1899_12_30;
  format_day (days, out);
  return TRUE;
}

/**
 * evg_xlsx_serial_to_date:
 * @text: a number as a workbook stores it
 *
 * Turns a date that a spreadsheet stores as a count of days (the serial
 * number that a date cell without its format shows, such as 44927 for
 * 2023-01-01) into YYYY-MM-DD, any time of day dropped.  In the 1900 date
 * system Excel counts a 29 February 1900 that never was, as Lotus 1-2-3
 * did; the days before it are one off from the rest, and that day itself
 * is no date.
 *
 * Returns: (transfer full) (nullable): the date, or %NULL when @text is no
 *   day number
 */
char *
evg_xlsx_serial_to_date (const char *text,
                         gboolean    date1904)
{
  char date[EVG_DATE_SIZE];

  return serial_to_date (text, date1904, date) ? g_strdup (date) : NULL;
}

/* Reads a cell reference such as "C12" into a column from 0 and a row
 * from 1; FALSE when it is none, or beyond what a sheet can have. */
static gboolean
parse_reference (const char *ref,
                 gsize       len,
                 int        *column,
                 guint      *row)
{
  const char *p = ref, *end = ref + len;
  guint col = 0, r = 0;

  for (; p < end && g_ascii_isalpha (*p); p++)
    {
      col = col * 26 + (guint) (g_ascii_toupper (*p) - 'A' + 1);
      if (col > MAX_COLUMNS)
        return FALSE;
    }
  if (p == ref || !parse_uint (p, (gsize) (end - p), MAX_ROWS, &r) || r == 0)
    return FALSE;
  *column = (int) col - 1;
  *row = r;
  return TRUE;
}

static Row *
take_row (EvgXlsxReader *self)
{
  Row *row = pop_row (&self->empty);

  if (row == NULL)
    {
      row = g_new0 (Row, 1);
      row->link.data = row;
      row->cells = g_array_sized_new (FALSE, FALSE, sizeof (gssize), 32);
      row->text = g_string_sized_new (256);
    }
  g_array_set_size (row->cells, 0);
  g_string_truncate (row->text, 0);
  g_string_append_c (row->text, '\0');
  return row;
}

/* Turns the text of the cell just parsed, at the end of @row's, into
 * what the reader hands out, and adds the cell to @row. */
static void
finish_cell (EvgXlsxReader *self,
             Row           *row)
{
  GString *text = row->text;
  gsize start = self->cell_start;
  const char *raw = text->str + start;
  gsize len = text->len - start;
  gssize cell = (gssize) start;

  switch (self->cell_type)
    {
    case CELL_SHARED:
      {
        guint index = 0;

        /* Plain digits, as every writer puts them, without strtoull()'s
         * cost; what else strtoull() takes is taken as before.  Whether
         * the workbook has that string is for the reader to find out, as
         * the strings may not all be parsed yet. */
        if (!parse_uint (raw, len, G_MAXUINT / 10, &index))
          {
            char *end = NULL;
            guint64 wide = g_ascii_strtoull (raw, &end, 10);

            if (end == raw || *end != '\0' || wide >= G_MAXINT)
              {
                part_fail (&self->part,
                           _("a cell refers to shared text “%s”, which the workbook does not have"),
                           raw);
                return;
              }
            index = (guint) wide;
          }
        g_string_truncate (text, start);
        cell = -1 - (gssize) index;
        g_array_append_val (row->cells, cell);
      }
      return;

    case CELL_BOOLEAN:
      {
        const char *value = g_str_equal (raw, "1") ? "TRUE" : raw[0] == '\0' ? "" : "FALSE";

        g_string_truncate (text, start);
        g_string_append (text, value);
      }
      break;

    case CELL_DATE:
      /* 2024-07-01T00:00:00: the date is what comes before the time. */
      if (len >= 10 && raw[4] == '-' && raw[7] == '-')
        g_string_truncate (text, start + 10);
      break;

    case CELL_NUMBER:
      if (raw[0] != '\0' && self->cell_style < self->date_styles->len &&
          self->date_styles->data[self->cell_style])
        {
          char date[EVG_DATE_SIZE];

          if (serial_to_date (raw, self->date1904, date))
            {
              g_string_truncate (text, start);
              g_string_append_len (text, date, EVG_DATE_SIZE - 1);
              break;
            }
        }
      /* A whole number that the writer put in exponent form (Excel does
       * from 1E+17 up, and some writers sooner), spelt out while it is
       * exact: a phone number stored as a number reads as one. */
      if (strpbrk (raw, "eE") != NULL)
        {
          char *end = NULL;
          double number = g_ascii_strtod (raw, &end);

          if (end != raw && *end == '\0' && fabs (number) < 1e15 && number == floor (number))
            {
              g_string_truncate (text, start);
              g_string_append_printf (text, "%.0f", number);
            }
        }
      break;

    case CELL_INLINE:
    case CELL_TEXT:
    default:
      break;
    }
  g_string_append_c (text, '\0');
  g_array_append_val (row->cells, cell);
}

static CellType
parse_cell_type (const char *type,
                 gsize       len)
{
  if (type == NULL || value_is (type, len, "n"))
    return CELL_NUMBER;
  if (value_is (type, len, "s"))
    return CELL_SHARED;
  if (value_is (type, len, "inlineStr"))
    return CELL_INLINE;
  if (value_is (type, len, "b"))
    return CELL_BOOLEAN;
  if (value_is (type, len, "d"))
    return CELL_DATE;
  return CELL_TEXT;
}

/* The sheet's handlers are called for every element of every row, and
 * compare names most: libxml2 hands the names out of its dictionary, so
 * each is one comparison of its first bytes. */
static inline gboolean
name_is (const xmlChar *name,
         const char    *wanted)
{
  return name[0] == (xmlChar) wanted[0] && strcmp ((const char *) name, wanted) == 0;
}

static void
sheet_start (void           *user_data,
             const xmlChar  *element,
             const xmlChar  *prefix,
             const xmlChar  *uri,
             int             n_namespaces,
             const xmlChar **namespaces,
             int             n_attributes,
             int             n_defaulted,
             const xmlChar **attributes)
{
  Part *part = user_data;
  EvgXlsxReader *self = part->data;

  if (!self->in_data)
    {
      self->in_data = name_is (element, "sheetData");
      return;
    }

  if (name_is (element, "c") && self->row != NULL)
    {
      gsize ref_len = 0, style_len = 0, type_len = 0;
      const char *ref = find_attribute (n_attributes, attributes, "r", &ref_len);
      const char *style = find_attribute (n_attributes, attributes, "s", &style_len);
      const char *type = find_attribute (n_attributes, attributes, "t", &type_len);
      guint line = 0;
      int column = self->column + 1;

      /* Cells without a reference follow the one before. */
      if (ref != NULL && !parse_reference (ref, ref_len, &column, &line))
        {
          g_autofree char *text = g_strndup (ref, MIN (ref_len, 64));

          part_fail (part, _("“%s” is not a cell of a sheet"), text);
          return;
        }
      if (column <= self->column || column >= MAX_COLUMNS)
        {
          part_fail (part, _("the cells of row %u are out of order"), self->row->line);
          return;
        }
      self->column = column;
      self->cell_type = parse_cell_type (type, type_len);
      if (style == NULL || !parse_uint (style, style_len, G_MAXUINT / 10, &self->cell_style))
        self->cell_style = 0;
      /* What a cell left open had is dropped with it. */
      if (self->in_cell)
        g_string_truncate (self->row->text, self->cell_start);
      self->in_cell = TRUE;
      self->cell_start = self->row->text->len;
    }
  else if (name_is (element, "v"))
    self->collecting = TRUE;
  else if (name_is (element, "is"))
    self->in_inline = TRUE;
  else if (name_is (element, "rPh"))
    self->in_phonetic = TRUE;
  else if (name_is (element, "t"))
    self->collecting = self->in_inline && !self->in_phonetic;
  else if (name_is (element, "row"))
    {
      gsize ref_len = 0;
      const char *ref = find_attribute (n_attributes, attributes, "r", &ref_len);
      guint line = self->last_line + 1;

      if (ref != NULL && !parse_uint (ref, ref_len, MAX_ROWS, &line))
        line = 0;
      if (line <= self->last_line || line > MAX_ROWS)
        {
          g_autofree char *text = g_strndup (ref != NULL ? ref : "", MIN (ref_len, 64));

          part_fail (part, _("row “%s” is out of order"), text);
          return;
        }
      self->n_blank += line - self->last_line - 1;
      self->last_line = line;
      self->row = take_row (self);
      self->row->line = line;
      self->column = -1;
      self->in_cell = FALSE;
    }
}

static void
sheet_end (void          *user_data,
           const xmlChar *element,
           const xmlChar *prefix,
           const xmlChar *uri)
{
  Part *part = user_data;
  EvgXlsxReader *self = part->data;

  if (!self->in_data)
    return;

  if (name_is (element, "v") || name_is (element, "t"))
    self->collecting = FALSE;
  else if (name_is (element, "c") && self->in_cell)
    {
      Row *row = self->row;
      gssize empty = 0;

      self->in_cell = FALSE;
      /* The cells left out before this one are empty. */
      while (row->cells->len < (guint) self->column)
        g_array_append_val (row->cells, empty);
      finish_cell (self, row);
    }
  else if (name_is (element, "row") && self->row != NULL)
    {
      self->in_cell = FALSE;
      /* A row with no cells is a formatted blank line. */
      if (self->row->cells->len == 0)
        {
          self->n_blank++;
          push_row (&self->empty, g_steal_pointer (&self->row));
        }
      else
        push_row (&self->parsed, g_steal_pointer (&self->row));
    }
  else if (name_is (element, "rPh"))
    self->in_phonetic = FALSE;
  else if (name_is (element, "is"))
    self->in_inline = FALSE;
  else if (name_is (element, "sheetData"))
    self->in_data = FALSE;
}

static void
sheet_text (void          *user_data,
            const xmlChar *text,
            int            len)
{
  Part *part = user_data;
  EvgXlsxReader *self = part->data;

  if (self->collecting && self->in_cell)
    collect_text (part, self->row->text, self->cell_start, text, len);
}

/* Rows that the parser hands over at once, so that the lock is taken
 * once for many rows, and the most it parses ahead of the reader, so that
 * a sheet's rows are never all held at once. */
#define BATCH_ROWS 256
#define MAX_AHEAD  (16 * BATCH_ROWS)
#define TAKE_ROWS  (4 * BATCH_ROWS)

/* The parsing thread: parses the sheet a piece at a time, handing the rows
 * over as they are done, until the sheet ends, is found damaged, or the
 * reader no longer wants it.  Reading and parsing the sheet this way takes
 * another core, while the reader's caller checks the rows already parsed. */
static gpointer
parse_sheet (gpointer data)
{
  EvgXlsxReader *self = data;
  g_autoptr(GError) error = NULL;
  gboolean stop = FALSE;

  while (!stop)
    {
      int more = part_feed (&self->part, &error);

      if (more > 0 && self->parsed.length < BATCH_ROWS && !g_atomic_int_get (&self->stop))
        continue;

      g_mutex_lock (&self->lock);
      /* The rows of the piece where the damage is are not handed over:
       * the rows after a damaged spot are never given. */
      if (more >= 0)
        queue_move_all (&self->handed, &self->parsed);
      queue_move_all (&self->empty, &self->returned);
      self->handed_read = self->part.read;
      self->handed_last_line = self->last_line;
      self->handed_n_blank = self->n_blank;
      if (more <= 0)
        {
          self->finished = TRUE;
          self->parse_error = g_steal_pointer (&error);
        }
      g_cond_broadcast (&self->cond);
      while (more > 0 && !g_atomic_int_get (&self->stop) && self->handed.length >= MAX_AHEAD)
        g_cond_wait (&self->cond, &self->lock);
      stop = more <= 0 || g_atomic_int_get (&self->stop);
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

/**
 * evg_xlsx_reader_open_sheet:
 * @sheet: from 0, below evg_xlsx_reader_get_n_sheets()
 *
 * Starts reading @sheet from its first row, leaving the one read before.
 */
gboolean
evg_xlsx_reader_open_sheet (EvgXlsxReader  *reader,
                            guint           sheet,
                            GError        **error)
{
  g_return_val_if_fail (sheet < reader->sheet_parts->len, FALSE);

  close_sheet (reader);
  reader->sheet = sheet;
  reader->done = reader->finished = FALSE;
  reader->stop = FALSE;
  reader->in_data = reader->in_inline = reader->in_phonetic = reader->collecting = FALSE;
  reader->last_line = reader->handed_last_line = reader->n_lines = 0;
  reader->n_blank = reader->handed_n_blank = reader->n_blank_seen = 0;
  reader->handed_read = reader->read = 0;
  if (!part_open (&reader->part, reader, reader->zip, g_ptr_array_index (reader->sheet_parts, sheet),
                  sheet_start, sheet_end, sheet_text, reader, error))
    return FALSE;
  reader->parser = g_thread_new ("evg-xlsx-parse", parse_sheet, reader);
  return TRUE;
}

/* Stops the sheet at a cell whose shared string @index is not there: the
 * shared strings are damaged, or the sheet is. */
static void
fail_missing_string (EvgXlsxReader *self,
                     guint          index)
{
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;

  if (self->strings_error != NULL)
    {
      self->error = g_error_copy (self->strings_error);
      return;
    }
  text = g_strdup_printf ("%u", index);
  detail = g_strdup_printf (_("a cell refers to shared text “%s”, which the workbook does not have"),
                            text);
  set_damaged_error (self, self->part.name, detail, &self->error);
}

/* Takes over rows that the parser handed over, waiting for some when
 * there are none yet, and gives it back the rows handed out.  It takes
 * a few batches at a time, so that the rows go back soon and few are
 * ever made. */
static void
take_rows (EvgXlsxReader *self)
{
  g_mutex_lock (&self->lock);
  queue_move_all (&self->returned, &self->used);
  while (self->handed.length == 0 && !self->finished)
    g_cond_wait (&self->cond, &self->lock);
  if (self->handed.length <= TAKE_ROWS)
    queue_move_all (&self->ready, &self->handed);
  else
    for (guint i = 0; i < TAKE_ROWS; i++)
      push_row (&self->ready, pop_row (&self->handed));
  self->read = self->handed_read;
  self->n_lines = self->handed_last_line;
  self->n_blank_seen = self->handed_n_blank;
  if (self->finished && self->handed.length == 0)
    {
      self->done = TRUE;
      self->error = g_steal_pointer (&self->parse_error);
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * evg_xlsx_reader_next:
 * @fields: (out) (transfer none): the row's cells, valid until the next call
 * @line: (out) (optional): the row's number in the sheet, from 1
 *
 * Reads the next row of the open sheet, skipping rows without cells.
 *
 * Returns: %FALSE at the end of the sheet, or where it is damaged (see
 *   evg_xlsx_reader_finish())
 */
gboolean
evg_xlsx_reader_next (EvgXlsxReader  *reader,
                      GPtrArray     **fields,
                      guint          *line)
{
  Row *row;

  g_return_val_if_fail (reader->parser != NULL, FALSE);

  if (reader->current != NULL)
    push_row (&reader->used, g_steal_pointer (&reader->current));
  if (g_queue_is_empty (&reader->ready) && !reader->done)
    take_rows (reader);
  /* Rows after a damaged spot are not handed out, whatever was parsed. */
  if (reader->error != NULL)
    return FALSE;
  row = pop_row (&reader->ready);
  if (row == NULL)
    {
      /* Damage in the shared strings spoils the sheet, even after the
       * last string that its rows use. */
      if (!reader->strings_done)
        wait_for_strings (reader, G_MAXUINT);
      if (reader->strings_error != NULL)
        reader->error = g_error_copy (reader->strings_error);
      return FALSE;
    }

  reader->current = row;
  g_ptr_array_set_size (reader->fields, (int) row->cells->len);
  for (guint i = 0; i < row->cells->len; i++)
    {
      gssize cell = g_array_index (row->cells, gssize, i);
      const char *text = cell >= 0 ? row->text->str + cell : shared_string (reader, (guint) (-1 - cell));

      if (text == NULL)
        {
          fail_missing_string (reader, (guint) (-1 - cell));
          return FALSE;
        }
      reader->fields->pdata[i] = (gpointer) text;
    }
  *fields = reader->fields;
  if (line != NULL)
    *line = row->line;
  return TRUE;
}

/**
 * evg_xlsx_reader_finish:
 *
 * Says whether the sheet was read to its end, once evg_xlsx_reader_next()
 * returned %FALSE.  The rows read before a damaged spot cannot be trusted
 * to be all the sheet has, so the caller must not use any of them.
 */
gboolean
evg_xlsx_reader_finish (EvgXlsxReader  *reader,
                        GError        **error)
{
  if (reader->error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (reader->error));
  return FALSE;
}

/* How far through the sheet the reader is, from 0 to 1. */
double
evg_xlsx_reader_get_fraction (EvgXlsxReader *reader)
{
  if (reader->done && reader->error == NULL)
    return 1.0;
  if (reader->part.size == 0)
    return 0.0;
  return MIN (1.0, (double) reader->read / (double) reader->part.size);
}

/**
 * evg_xlsx_reader_get_n_lines:
 *
 * Returns: the number of the last row handed out; once
 *   evg_xlsx_reader_next() returned %FALSE, of the sheet's last row, blank
 *   ones included
 */
guint
evg_xlsx_reader_get_n_lines (EvgXlsxReader *reader)
{
  /* The parser runs ahead of the rows handed out. */
  return reader->current != NULL ? reader->current->line : reader->n_lines;
}

/**
 * evg_xlsx_reader_get_n_blank_lines:
 *
 * Returns: the rows of the sheet passed over so far for holding no cells,
 *   those the sheet leaves out included
 */
guint
evg_xlsx_reader_get_n_blank_lines (EvgXlsxReader *reader)
{
  return reader->n_blank_seen;
}
