#!/usr/bin/python3
# Drives the real e-vanguard program the way a screen reader sees it, over
# AT-SPI: every page is reachable, the first-run set-up works, and the app
# closes without a single GLib warning or critical (G_DEBUG=fatal-warnings
# turns any into a crash, so a clean exit status proves there were none).
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

# The app runs with fatal warnings; this driver must not, since the
# accessibility library warns about harmless races while the app starts.
os.environ.pop('G_DEBUG', None)

import gi  # noqa: E402
gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

APP = os.environ['EVG_APP']
CLI = os.environ['EVG_CLI']
checks = 0


def ok(cond, what):
    global checks
    checks += 1
    if not cond:
        print('not ok %d - %s' % (checks, what))
        raise SystemExit(1)
    print('ok %d - %s' % (checks, what))


def wait_for(fn, what, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        # States change as GTK maps widgets; read them afresh each time
        # instead of trusting the library's cache to have seen every event.
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            child = desktop.get_child_at_index(i)
            if child is not None:
                child.clear_cache()
        value = fn()
        if value:
            return value
        time.sleep(0.1)
    if os.environ.get('EVG_DEBUG_ATSPI'):
        for node in walk(find_app_any()):
            try:
                print('#', node.get_role_name(), repr(node.get_name()), [s.value_nick for s in node.get_state_set().get_states()])
            except Exception:
                pass
    ok(False, 'timed out waiting for ' + what)


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    try:
        n = node.get_child_count()
    except Exception:
        return
    for i in range(n):
        yield from walk(node.get_child_at_index(i), depth + 1)


def showing(node):
    return node.get_state_set().contains(Atspi.StateType.SHOWING)


def find(root, role=None, name=None, prefix=None, visible=False):
    for node in walk(root):
        try:
            if visible and not showing(node):
                continue
            if role is not None and node.get_role_name() != role:
                continue
            label = node.get_name() or ''
            if name is not None and label != name:
                continue
            if prefix is not None and not label.startswith(prefix):
                continue
            return node
        except Exception:
            continue
    return None


def actions(node):
    iface = node.get_action_iface()
    if iface is None:
        return {}
    return {Atspi.Action.get_action_name(node, i): i for i in range(Atspi.Action.get_n_actions(node))}


def do(node, action):
    names = actions(node)
    ok(action in names, 'action %s is offered' % action)
    Atspi.Action.do_action(node, names[action])


def header_titles(frame):
    titles = []
    for node in walk(frame):
        try:
            if node.get_name() == 'AdwWindowTitle':
                titles += [n.get_name() for n in walk(node) if n.get_role_name() == 'label']
        except Exception:
            pass
    return titles


def find_app_any():
    desktop = Atspi.get_desktop(0)
    return desktop.get_child_at_index(desktop.get_child_count() - 1)


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        child = desktop.get_child_at_index(i)
        try:
            if child is not None and child.get_process_id() == pid:
                return child
        except Exception:
            pass
    return None


def main():
    if not os.environ.get('DISPLAY') and not os.environ.get('WAYLAND_DISPLAY'):
        print('1..0 # SKIP no display to run the app on')
        return
    tmp = tempfile.mkdtemp(prefix='evg-atspi-')
    db = os.path.join(tmp, 'app.db')
    env = dict(os.environ, G_DEBUG='fatal-warnings', LC_ALL='C.UTF-8', LANGUAGE='',
               XDG_DATA_HOME=os.path.join(tmp, 'data'))
    env.pop('GTK_A11Y', None)
    env.pop('NO_AT_BRIDGE', None)
    # A member to check in, imported before the app first opens the database.
    roster = os.path.join(tmp, 'roster.csv')
    with open(roster, 'w', encoding='utf-8') as f:
        f.write('name,id_number,category,joined_on,full_member_on\n'
                '张三,110105198001010016,full,2005-07-01,2006-07-01\n'
                '李四,110105198001010024,full,2005-07-01,2006-07-01\n')
    subprocess.run([CLI, '--database', db, 'members', 'import', roster], check=True,
                   capture_output=True)
    proc = subprocess.Popen([APP, '--database', db], env=env, stderr=subprocess.PIPE, text=True)
    try:
        # A loaded machine (other builds, tests) can take a while to start it.
        app = wait_for(lambda: find_app(proc.pid), 'the app on the accessibility bus', timeout=45.0)
        frame = wait_for(lambda: find(app, role='frame', name='E-Vanguard Workstation'), 'the main window')
        wait_for(lambda: find(frame, role='label', name='Welcome to E-Vanguard'),
                 'the welcome page')
        ok(True, 'a new database opens on the welcome page')
        ok(find(frame, role='push button', prefix='Sync not set up') is not None,
           'the header says sync is not set up, in words a screen reader reads')

        # GTK 4.8 does not keep the "showing" state of stack pages current, so
        # the header's title label, which names the visible page, is the proof.
        for action, title in (('win.show-calendar', 'Activity Calendar'),
                              ('win.show-checkins', 'Whistle and Report'),
                              ('win.show-inbox', 'Message Board'),
                              ('win.show-roster', 'Member Roster')):
            do(frame, action)
            wait_for(lambda: title in header_titles(frame), 'the title ' + title)
            ok(True, 'the header names the page “%s”' % title)

        button = find(frame, role='push button', prefix='_Set Up Branch')
        ok(button is not None, 'the welcome page offers to set up the branch')
        do(button, 'click')
        prefs = wait_for(lambda: find(app, role='frame', name='Preferences'), 'the preferences window')
        name_entry = wait_for(lambda: find(prefs, role='text', name='Branch name'), 'branch name entry')
        code_entry = wait_for(lambda: find(prefs, role='text', name='Branch code'), 'branch code entry')
        Atspi.EditableText.set_text_contents(name_entry, '幸福社区第一党支部')
        Atspi.EditableText.set_text_contents(code_entry, 'XF 001')
        wait_for(lambda: find(prefs, role='alert', prefix='The branch code may contain only'),
                 'the error about the space in the code')
        ok(True, 'an invalid code is explained as it is typed')
        # Saved as it is typed: there is no Save button.
        Atspi.EditableText.set_text_contents(code_entry, 'XF-001')

        def saved():
            out = subprocess.run([CLI, '--database', db, '--json', 'info'],
                                 capture_output=True, text=True)
            info = json.loads(out.stdout) if out.returncode == 0 else {}
            return info.get('branch_code') == 'XF-001' and info.get('branch_name') == '幸福社区第一党支部'
        wait_for(saved, 'the branch to be saved in the database')
        ok(True, 'the branch name and code are saved in the database')

        do(prefs, 'window.close')
        wait_for(lambda: find(frame, role='label', name='幸福社区第一党支部'),
                 'the branch name under the app name')
        ok(True, 'the window shows the new branch name')
        # The calendar: plan a meeting through the editor, as a screen reader
        # user would, and find it in the database.
        do(frame, 'win.show-calendar')
        wait_for(lambda: 'Activity Calendar' in header_titles(frame), 'the calendar page')
        new = wait_for(lambda: find(frame, role='push button', prefix='_New Meeting'), 'the New Meeting button')
        do(new, 'click')

        def editor():
            for i in range(app.get_child_count()):
                child = app.get_child_at_index(i)
                if child is not None and child != frame and find(child, role='label', name='New Meeting'):
                    return child
            return None
        dialog = wait_for(editor, 'the meeting editor')
        title = wait_for(lambda: find(dialog, role='text', prefix='T_itle') or find(dialog, role='text', prefix='Title'),
                         'the title entry')
        Atspi.EditableText.set_text_contents(title, '主题党日：学习讨论')
        do(find(dialog, role='push button', prefix='_Save'), 'click')

        def meeting_saved():
            out = subprocess.run([CLI, '--database', db, '--json', 'meetings', 'list'],
                                 capture_output=True, text=True)
            rows = json.loads(out.stdout) if out.returncode == 0 else []
            return len(rows) == 1 and rows[0]['title'] == '主题党日：学习讨论'
        wait_for(meeting_saved, 'the meeting to be saved')
        ok(True, 'a meeting planned in the editor is in the database')
        wait_for(lambda: find(dialog, role='label', name='Attendance'), 'the attendance section after saving')
        ok(True, 'the saved meeting offers its attendance sheet')
        do(dialog, 'editor.close')

        # No control is read out by its class name.
        do(frame, 'win.show-roster')
        wait_for(lambda: 'Member Roster' in header_titles(frame), 'the roster page')
        ok(find(frame, role='push button', name='Which members to list') is not None,
           'the roster\'s scope drop-down is named for what it chooses')
        ok(find(frame, role='push button', name='GtkToggleButton') is None,
           'no drop-down reads as “GtkToggleButton”')

        # 吹哨报到: raise a whistle through its editor, then check a member in
        # by name from the check-in field, as a screen reader user would.
        do(frame, 'win.show-checkins')
        wait_for(lambda: 'Whistle and Report' in header_titles(frame), 'the check-ins page')
        raise_button = wait_for(lambda: find(frame, role='push button', prefix='_Raise a Whistle'),
                                'the Raise a Whistle button')
        do(raise_button, 'click')

        def whistle_editor():
            for i in range(app.get_child_count()):
                child = app.get_child_at_index(i)
                if child is not None and child != frame and child.get_name() == 'Raise a Whistle':
                    return child
            return None
        wdialog = wait_for(whistle_editor, 'the whistle editor')
        wtitle = wait_for(lambda: find(wdialog, role='text', name='Title'), 'the whistle title entry')
        ok(find(wdialog, role='combo box', name='Category') is not None, 'the category is a named combo box')
        Atspi.EditableText.set_text_contents(wtitle, '防汛值守')
        do(wdialog, 'editor.save')

        def whistles():
            out = subprocess.run([CLI, '--database', db, '--json', 'whistles', 'list'],
                                 capture_output=True, text=True)
            return json.loads(out.stdout) if out.returncode == 0 else []
        wait_for(lambda: [w for w in whistles() if w['title'] == '防汛值守'], 'the whistle to be saved')
        ok(True, 'a whistle raised in the editor is in the database')
        wid = whistles()[0]['id']
        entry = wait_for(lambda: find(frame, role='text', prefix='Check a member in or out'),
                         'the check-in field of the new whistle')
        Atspi.EditableText.set_text_contents(entry, 'zhangsan')
        pick = wait_for(lambda: find(frame, role='push button', name='Check 张三 in'),
                        'the match for zhangsan, with its button named for the member')
        do(pick, 'click')

        def checked_in():
            out = subprocess.run([CLI, '--database', db, '--json', 'checkins', 'list', wid],
                                 capture_output=True, text=True)
            rows = json.loads(out.stdout) if out.returncode == 0 else []
            return len(rows) == 1 and rows[0]['name'] == '张三' and rows[0]['source'] == 'manual'
        wait_for(checked_in, 'the check-in of 张三')
        ok(True, 'the member found by pinyin is checked in from the match list')
        wait_for(lambda: find(frame, role='push button', name='Check 张三 out'), 'the row\'s check-out button')
        ok(True, 'the row\'s button is named for the member it checks out')

        # 留言板: record a resident's message through the editor, then reply
        # to it from the reply box, finding each control by its name.
        do(frame, 'win.show-inbox')
        wait_for(lambda: 'Message Board' in header_titles(frame), 'the message board')
        new_message = wait_for(lambda: find(frame, role='push button', prefix='_New Message'),
                               'the New Message button')
        do(new_message, 'click')

        def message_editor():
            for i in range(app.get_child_count()):
                child = app.get_child_at_index(i)
                if child is not None and child != frame and child.get_name() == 'New Message':
                    return child
            return None
        mdialog = wait_for(message_editor, 'the message editor')
        content = wait_for(lambda: find(mdialog, role='text', name='Message'), 'the message box')
        ok(find(mdialog, role='combo box', name='Channel') is not None, 'the channel is a named combo box')
        Atspi.EditableText.set_text_contents(content, '楼道灯坏了一个月，晚上看不见路')
        Atspi.EditableText.set_text_contents(find(mdialog, role='text', name='Left By'), '王五')
        Atspi.EditableText.set_text_contents(find(mdialog, role='text', name='Place'), '幸福里3号楼')
        do(mdialog, 'editor.save')

        def rows(sql):
            try:
                with sqlite3.connect('file:%s?mode=ro' % db, uri=True) as conn:
                    return conn.execute(sql).fetchall()
            except sqlite3.Error:
                return []
        wait_for(lambda: rows("SELECT 1 FROM feedback WHERE content = '楼道灯坏了一个月，晚上看不见路' "
                              "AND from_name = '王五' AND status = 'new'"),
                 'the message to be recorded')
        ok(True, 'a message recorded in the editor is in the database')
        reply = wait_for(lambda: find(frame, role='text', name='Public reply'),
                         'the reply box of the new message')
        Atspi.EditableText.set_text_contents(reply, '已报修，明天上午更换灯泡。')
        do(wait_for(lambda: find(frame, role='push button', prefix='_Send Reply'), 'the Send Reply button'),
           'click')
        wait_for(lambda: rows("SELECT 1 FROM feedback_event WHERE kind = 'reply' "
                              "AND text = '已报修，明天上午更换灯泡。'"),
                 'the reply to be recorded')
        ok(rows("SELECT status FROM feedback") == [('replied',)], 'the replied message is marked replied')
        wait_for(lambda: find(frame, prefix='Public Reply (The resident sees this)'),
                 'the reply in the timeline')
        ok(True, 'the timeline reads the reply as one the resident sees')

        # 党员名册: search by pinyin, open the member found, change the phone
        # number and save, as a screen reader user would.
        do(frame, 'win.show-roster')
        wait_for(lambda: 'Member Roster' in header_titles(frame), 'the roster')
        search = wait_for(lambda: find(frame, name='Search members'), 'the roster search field')
        Atspi.EditableText.set_text_contents(search, 'lisi')
        wait_for(lambda: find(frame, role='label', prefix='Filtered: 1 member shown'), 'the search to narrow the list')
        ok(True, 'typing the pinyin narrows the roster to the member')
        # The one member found is shown at once.
        edit = wait_for(lambda: [n for n in walk(frame) if n.get_role_name() == 'push button' and
                                 (n.get_name() or '').startswith('_Edit') and
                                 n.get_state_set().contains(Atspi.StateType.SENSITIVE)],
                        'the Edit button, enabled')[0]
        do(edit, 'click')

        def member_editor():
            for i in range(app.get_child_count()):
                child = app.get_child_at_index(i)
                if child is not None and child != frame and child.get_name() == 'Edit Member':
                    return child
            return None
        editor_window = wait_for(member_editor, 'the member editor')
        phone = wait_for(lambda: find(editor_window, role='text', name='Phone'), 'the phone field')
        Atspi.EditableText.set_text_contents(phone, '13912345678')
        do(editor_window, 'editor.save')

        wait_for(lambda: rows("SELECT 1 FROM member WHERE name = '李四' AND phone = '13912345678'"),
                 'the new phone number in the database')
        ok(True, 'the member found, opened, edited and saved has the new phone number')

        # The app may quit before it answers the call that closed it: the
        # exit status below is the proof, not the call's answer.
        names = actions(frame)
        ok('window.close' in names, 'action window.close is offered')
        try:
            Atspi.Action.do_action(frame, names['window.close'])
        except GLib.Error:
            pass
        status = proc.wait(timeout=15)
        err = proc.stderr.read()
        ok(status == 0, 'the app exits cleanly (status %s)' % status)
        bad = [line for line in err.splitlines()
               if 'e-vanguard' in line and ('CRITICAL' in line or 'WARNING' in line)]
        ok(not bad, 'no warnings or criticals: %s' % bad)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        elif proc.returncode != 0:
            # The app died under the test: what it said is the reason.
            for line in (proc.stderr.read() or '').splitlines()[-20:]:
                print('# app: ' + line)
        shutil.rmtree(tmp, ignore_errors=True)
    print('1..%d' % checks)


main()
