"""The editors' desk: a web app on the same site folder as the CLI (`audiocast desk`).

Modules, one job each: accounts.py (the users, sessions and failed sign-ins, in SQLite beside
the sync state), auth.py (passwords, sessions, roles, the sign-in limit), cookies.py (the
cookies' names and flags), csrf.py (tokens and the same-origin check), gate.py (the ASGI
middleware that lets no request past without a session and no unsafe one without its token),
store_view.py and articles.py (what the store and sync say about each article), changes.py and
script_view.py (an article's script, and the written words it says otherwise), render.py (the
pages, jinja2), views.py (the endpoints), app.py (wiring), server.py (uvicorn), commands.py (what
the CLI calls). roles.py (what only an editor may do), journal.py (who did what, for «Журнал»).
The jobs (jobs.py, their public API): job_records.py (what is kept of each), job_arguments.py
(what each kind takes), job_work.py and job_progress.py (what each kind does, and how far it
is), job_queue.py (the queue, huey), job_runner.py (huey's consumer inside the desk);
voicing.py (the voices an article may have, and the «start a job» form read) and jobs_views.py
(«Задания», «Журнал» and POST /jobs/).
The lexicon («Словарь»): lexicon_file.py (which file the desk edits, and naming it in
audiocast.toml), lexicon_entry.py (an entry as a form gives it, checked; Refused),
lexicon_contents.py (what that file and the files under it hold, and its version),
lexicon_lines.py (the file's text changed line by line), lexicon_site.py (SiteLexicon: a change
checked by the loader, refused when stale, written atomically), lexicon_articles.py (the stored
articles a word is in), lexicon_samples.py («Послушать») and lexicon_views.py (the page).
"""
