"""The tracking service's xAPI 1.0.3 Statements resource, driven by a real, generic xAPI client: `tincan` (PyPI).

One `magistere up` (embedded bus, data in a temporary folder, free ports) serves the whole module; the client is a
`tincan.RemoteLRS` on http://127.0.0.1:<tracking port>/xapi/ speaking 1.0.3. What it proves:

- statements saved one at a time (POST without id, PUT with id) and in a batch come back by id, names stripped;
- queries by agent, verb, activity and registration honour `limit`, and following `more` returns every match once;
- voiding hides a statement from `statementId` and from queries, and `voidedStatementId` still finds it;
- re-sending a statement under its id is a no-op, but other content under the same id is refused with 409;
- a statement whose registration is a real (approved) enrolment and whose object is an activity of its course
  updates progress exactly as the JSON API does, up to the completion of the course and the teacher's record.

About the library: tincan 1.0.0 is a py2-era client; on Python 3.11 it works for everything used here, with two
wrinkles:
- `query_statements` sends a Python bool as `True`/`False`, which an LRS rightly rejects (`ascending` must be
  `true`/`false`), so the tests pass the string "true" (no patch needed);
- it builds query strings with `urllib.parse.urlencode`, i.e. form encoding, where a space is `+`; its agent JSON has
  spaces (`{"objectType": "Agent", ...}`), which the statements resource reads as form-encoded (`+` is a space):
  `test_form_encoded_query_spaces_are_understood` pins that.
"""

from __future__ import annotations

import datetime
import json
import urllib.parse
import uuid

import pytest

from conftest import Platform, http, poll, under_ci

try:
    from tincan import (
        Activity, ActivityDefinition, Agent, AgentAccount, Context, LanguageMap, RemoteLRS, Result, Score, Statement,
        StatementRef, Verb,
    )
except ImportError:
    if under_ci():
        raise  # a collection error: under CI a missing client fails, never skips
    pytest.skip("tincan is not installed: pip install -r Tests/python/requirements.txt", allow_module_level=True)

XAPI_VERSION = "1.0.3"
HOME_PAGE = "https://magistere.education.gouv.fr"
ACTIVITY_PREFIX = "https://magistere.education.gouv.fr/xapi/activities/"
ADL = "http://adlnet.gov/expapi/verbs/"

@pytest.fixture(scope="module")
def up(magistere_module):
    process = magistere_module.start_up(magistere_module.directory / "data")
    process.wait_ready()
    return process


@pytest.fixture(scope="module")
def lrs_for(up):
    """The LRS as one teacher sees it: tincan sends `auth` as the Authorization header, here a bearer token whose
    subject is the teacher, i.e. the `account.name` of the statements' actor."""
    def connect(teacher: str) -> RemoteLRS:
        token = up.tokens.token(teacher, "participant", academy="lyon")
        return RemoteLRS(endpoint=up.url("tracking") + "/xapi/", version=XAPI_VERSION, auth=f"Bearer {token}")
    return connect


def agent(name: str, display_name: str | None = None) -> Agent:
    return Agent(name=display_name, account=AgentAccount(home_page=HOME_PAGE, name=name))


def verb(word: str) -> Verb:
    return Verb(id=ADL + word, display=LanguageMap({"en-US": word}))


def activity(iri: str) -> Activity:
    return Activity(id=iri, definition=ActivityDefinition(name=LanguageMap({"fr-FR": "Activité de test"})))


def status(response) -> int:
    return response.response.status


def test_about_and_protocol_headers(lrs_for) -> None:
    lrs = lrs_for("ens-about")
    about = lrs.about()
    assert about.success, about.data
    assert XAPI_VERSION in about.content.version
    saved = lrs.save_statement(Statement(actor=agent("ens-about"), verb=verb("experienced"),
                                         object=activity("https://example.org/about")))
    assert saved.success, saved.data
    assert saved.response.getheader("X-Experience-API-Version") == XAPI_VERSION
    consistent = saved.response.getheader("X-Experience-API-Consistent-Through")
    assert consistent, "X-Experience-API-Consistent-Through is missing"
    datetime.datetime.fromisoformat(consistent.replace("Z", "+00:00"))


def test_save_one_statement_and_retrieve_it_by_id(lrs_for) -> None:
    teacher = f"ens-{uuid.uuid4().hex[:10]}"
    lrs = lrs_for(teacher)
    statement = Statement(
        actor=agent(teacher, display_name="Jeanne Martin"), verb=verb("experienced"),
        object=activity("https://example.org/videos/calcul-en-ligne"),
        result=Result(duration=datetime.timedelta(minutes=12)))
    saved = lrs.save_statement(statement)  # no id yet: POST, the LRS assigns it
    assert saved.success, f"HTTP {status(saved)}: {saved.data!r}"
    statement_id = str(saved.content.id)
    uuid.UUID(statement_id)

    found = lrs.retrieve_statement(statement_id)
    assert found.success, f"HTTP {status(found)}: {found.data!r}"
    got = found.content
    assert str(got.id) == statement_id
    assert got.actor.account.name == teacher
    assert got.actor.name is None, "names must not be stored (only the pseudonymous account)"
    assert got.verb.id == ADL + "experienced"
    assert got.object.id == "https://example.org/videos/calcul-en-ligne"
    assert got.result.duration == datetime.timedelta(minutes=12)
    assert got.stored is not None and got.timestamp is not None

    missing = lrs.retrieve_statement(str(uuid.uuid4()))
    assert not missing.success and status(missing) == 404


def test_batch_then_queries_by_agent_verb_activity_registration_follow_more(lrs_for) -> None:
    name = f"ens-{uuid.uuid4().hex[:10]}"
    lrs = lrs_for(name)
    teacher = agent(name)
    registration = str(uuid.uuid4())  # not an enrolment: stored, no progress effect
    quiz = f"https://example.org/quiz/{uuid.uuid4().hex[:8]}"
    video = f"https://example.org/video/{uuid.uuid4().hex[:8]}"
    plan = [("attempted", quiz), ("failed", quiz), ("attempted", quiz), ("passed", quiz),
            ("experienced", video), ("experienced", video), ("completed", video)]
    statements = [Statement(actor=teacher, verb=verb(word), object=activity(iri),
                            context=Context(registration=registration)) for word, iri in plan]
    saved = lrs.save_statements(statements)
    assert saved.success, f"HTTP {status(saved)}: {saved.data!r}"
    ids = [str(s.id) for s in saved.content]
    assert len(set(ids)) == len(plan)

    def collect(query: dict, page_size: int) -> list[str]:
        query = dict(query, limit=page_size)
        response = lrs.query_statements(query)
        assert response.success, f"HTTP {status(response)}: {response.data!r}"
        seen = [str(s.id) for s in response.content.statements]
        assert len(seen) <= page_size
        pages = 1
        while response.content.more:
            assert response.content.more.startswith("/xapi/statements?"), response.content.more
            response = lrs.more_statements(response.content)
            assert response.success, f"HTTP {status(response)}: {response.data!r}"
            page = [str(s.id) for s in response.content.statements]
            assert 0 < len(page) <= page_size
            seen += page
            pages += 1
            assert pages <= 20, "`more` never ends"
        assert len(seen) == len(set(seen)), f"a statement came twice while paging: {seen}"
        return seen

    by_agent = collect({"agent": teacher}, 3)
    assert sorted(by_agent) == sorted(ids)
    by_registration = collect({"registration": registration}, 2)
    assert sorted(by_registration) == sorted(ids)
    by_verb_and_activity = collect({"agent": teacher, "verb": verb("attempted"), "activity": activity(quiz)}, 1)
    assert sorted(by_verb_and_activity) == sorted([ids[0], ids[2]])
    by_activity = collect({"activity": activity(video)}, 2)
    assert sorted(by_activity) == sorted(ids[4:])

    # Oldest first; `ascending` is sent as the string "true" (tincan would send a bool as "True").
    ascending = lrs.query_statements({"agent": teacher, "ascending": "true", "limit": 0})
    assert ascending.success, f"HTTP {status(ascending)}: {ascending.data!r}"
    assert [str(s.id) for s in ascending.content.statements] == list(reversed(by_agent))
    assert not ascending.content.more


def test_form_encoded_query_spaces_are_understood(up) -> None:
    """What tincan (and any client using form encoding) sends: `+` for the spaces of the JSON, read as spaces."""
    teacher = {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": "ens-form-encoded"}}
    query = urllib.parse.urlencode({"agent": json.dumps(teacher)})  # quote_plus: ' ' -> '+'
    assert "+" in query
    headers = {"X-Experience-API-Version": "1.0.3",
               "Authorization": f"Bearer {up.tokens.token('ens-form-encoded', 'participant', academy='lyon')}"}
    reply = http("GET", f"{up.url('tracking')}/xapi/statements?{query}", headers=headers)
    assert reply.status == 200, f"HTTP {reply.status}: {reply.body[:300]!r}"


def test_voiding_hides_a_statement_but_voidedStatementId_finds_it(lrs_for) -> None:
    name = f"ens-{uuid.uuid4().hex[:10]}"
    lrs = lrs_for(name)
    teacher = agent(name)
    target = Statement(actor=teacher, verb=verb("completed"), object=activity("https://example.org/mistake"))
    assert lrs.save_statement(target).success
    voiding = Statement(actor=teacher, verb=Verb(id=ADL + "voided"), object=StatementRef(id=target.id))
    saved = lrs.save_statement(voiding)
    assert saved.success, f"HTTP {status(saved)}: {saved.data!r}"

    hidden = lrs.retrieve_statement(str(target.id))
    assert not hidden.success and status(hidden) == 404
    voided = lrs.retrieve_voided_statement(str(target.id))
    assert voided.success, f"HTTP {status(voided)}: {voided.data!r}"
    assert str(voided.content.id) == str(target.id)
    listed = lrs.query_statements({"agent": teacher})
    assert listed.success
    assert [str(s.id) for s in listed.content.statements] == [str(voiding.id)]
    # The voiding statement itself is an ordinary statement.
    assert lrs.retrieve_statement(str(voiding.id)).success


def test_same_id_same_content_is_a_no_op_other_content_is_a_conflict(lrs_for) -> None:
    name = f"ens-{uuid.uuid4().hex[:10]}"
    lrs = lrs_for(name)
    teacher = agent(name)
    statement_id = str(uuid.uuid4())
    first = Statement(id=statement_id, actor=teacher, verb=verb("completed"), object=activity("https://example.org/a"))
    saved = lrs.save_statement(first)  # with an id: PUT ?statementId=
    assert saved.success and status(saved) == 204, f"HTTP {status(saved)}: {saved.data!r}"
    again = lrs.save_statement(Statement(id=statement_id, actor=teacher, verb=verb("completed"),
                                         object=activity("https://example.org/a")))
    assert again.success, f"re-sending the same statement must be accepted: HTTP {status(again)} {again.data!r}"

    other = lrs.save_statement(Statement(id=statement_id, actor=teacher, verb=verb("failed"),
                                         object=activity("https://example.org/a")))
    assert not other.success and status(other) == 409, f"HTTP {status(other)}: {other.data!r}"
    # A batch repeating the id with other content is refused too, and stores nothing of the batch.
    fresh = str(uuid.uuid4())
    batch = lrs.save_statements([
        Statement(id=fresh, actor=teacher, verb=verb("completed"), object=activity("https://example.org/b")),
        Statement(id=statement_id, actor=teacher, verb=verb("passed"), object=activity("https://example.org/a")),
    ])
    assert not batch.success and status(batch) == 409, f"HTTP {status(batch)}: {batch.data!r}"
    assert status(lrs.retrieve_statement(fresh)) == 404, "a refused batch must store nothing"

    kept = lrs.retrieve_statement(statement_id)
    assert kept.success and kept.content.verb.id == ADL + "completed"


def test_statements_of_an_enrolment_update_its_progress_until_completion(up, lrs_for) -> None:
    platform = Platform.of(up)
    course = platform.publish_course()
    course_id = course["courseID"]
    session = platform.schedule_session(course_id)
    teacher = f"ens-{uuid.uuid4().hex[:10]}"
    enrolment_id = platform.approved_enrolment(session["id"], teacher)
    platform.wait_tracked(enrolment_id)
    lrs = lrs_for(teacher)

    me = agent(teacher)
    context = Context(registration=enrolment_id)

    def about(activity_id: str) -> Activity:
        return Activity(id=f"{ACTIVITY_PREFIX}{course_id}/{activity_id}")

    def progress() -> dict:
        return http("GET", f"{platform.tracking}/enrolments/{enrolment_id}/progress",
                    headers=platform.teacher(teacher)).expect(200).json()

    def activity_state(view: dict, activity_id: str) -> dict:
        return next(a for a in view["activities"] if a["activityID"] == activity_id)

    watched = Statement(actor=me, verb=verb("completed"), object=about("video"), context=context,
                        result=Result(duration=datetime.timedelta(minutes=20), completion=True))
    assert lrs.save_statement(watched).success
    failed = Statement(actor=me, verb=verb("failed"), object=about("quiz"), context=context,
                       result=Result(score=Score(scaled=0.5), success=False, duration="PT5M"))
    assert lrs.save_statement(failed).success
    view = progress()
    assert activity_state(view, "video")["done"] is True
    assert activity_state(view, "video")["secondsSpent"] == 1200
    assert activity_state(view, "quiz")["done"] is False
    assert activity_state(view, "quiz")["bestScore"] == 0.5
    assert view["requiredDone"] == 1 and view.get("completion") is None

    # Another teacher cannot report on this registration, even as themself: refused (403), nothing changes.
    intruder = Statement(actor=agent("ens-someone-else"), verb=verb("passed"), object=about("quiz"), context=context,
                         result=Result(score=Score(scaled=1.0)))
    refused = lrs_for("ens-someone-else").save_statement(intruder)
    assert not refused.success and status(refused) == 403, f"HTTP {status(refused)}: {refused.data!r}"
    assert activity_state(progress(), "quiz")["done"] is False

    passed = Statement(actor=me, verb=verb("passed"), object=about("quiz"), context=context,
                       result=Result(score=Score(scaled=0.9), success=True, duration="PT7M"))
    assert lrs.save_statement(passed).success
    view = progress()
    assert activity_state(view, "quiz")["done"] is True and activity_state(view, "quiz")["bestScore"] == 0.9
    assert view["requiredDone"] == 2

    # Re-sending a statement (same id, same content) has no second effect.
    assert lrs.save_statement(passed).success
    assert progress()["secondsSpent"] == view["secondsSpent"] == 1200 + 300 + 420

    # The participant declares attending the in-person meeting: kept as a claim for the trainers, worth nothing yet.
    attended = Statement(actor=me, verb=verb("attended"), object=about("meeting"), context=context)
    assert lrs.save_statement(attended).success
    view = progress()
    assert activity_state(view, "meeting").get("attendance") is None
    assert activity_state(view, "meeting")["attendanceClaimedAt"]
    assert view.get("completion") is None
    # The trainer's attendance sheet is what makes the meeting attended: the course completes.
    platform.attendance(session["id"], [{"enrolmentID": enrolment_id, "status": "present"}]).expect(200)
    view = progress()
    assert activity_state(view, "meeting")["attendance"] == "present"
    assert view["percentRequiredDone"] == 100
    completion = view["completion"]
    assert completion is not None, view
    assert completion["distanceMinutes"] == Platform.VIDEO_MINUTES + Platform.QUIZ_MINUTES
    assert completion["inPersonMinutes"] == Platform.MEETING_MINUTES
    assert "passed:quiz" in completion["criteriaMet"]

    # The statements are queryable by the registration (the enrolment id), newest first.
    by_registration = lrs.query_statements({"registration": enrolment_id, "limit": 10})
    assert by_registration.success
    assert [str(s.id) for s in by_registration.content.statements][0] == str(attended.id)
    assert len(by_registration.content.statements) == 4

    # Enrolment hears the completion (tracking.course.completed.v1 on the embedded bus) and credits the hours.
    def completed():
        reply = http("GET", f"{platform.enrolment}/enrolments/{enrolment_id}",
                     headers=platform.teacher(teacher)).expect(200).json()
        return reply if reply["state"] == "completed" else None
    poll("enrolment to record the completion", completed, 15)
    record = platform.record(teacher)
    assert record["distanceMinutes"] == 90 and record["inPersonMinutes"] == 180
    assert record["obligation"]["met"] is False and record["obligation"]["doneMinutes"] == 270


def test_state_and_profile_documents_through_the_client(lrs_for, up) -> None:
    """The State and Agent Profile resources through tincan's own calls: a learning content's bookmark saved, read
    back, listed, refused when saved over a stale ETag (412), deleted; an agent profile created, refused when replaced
    without a precondition (409), replaced with its ETag. (tincan reads response headers the py2 way, so the ETag
    is taken from the HTTP response here.)"""
    from tincan.documents import AgentProfileDocument, StateDocument

    teacher = f"ens-doc-{uuid.uuid4().hex[:6]}"
    lrs = lrs_for(teacher)
    me = agent(teacher)
    video = Activity(id=ACTIVITY_PREFIX + "crs-documents/video")
    saved = lrs.save_state(StateDocument(id="bookmark", activity=video, agent=me, content="page=4",
                                         content_type="text/plain"))
    assert saved.success, (status(saved), saved.data)
    read = lrs.retrieve_state(video, me, "bookmark")
    assert read.success and read.data in (b"page=4", "page=4"), read.data
    etag = read.response.getheader("ETag")
    assert etag and etag.startswith('"')
    ids = lrs.retrieve_state_ids(video, me)
    assert ids.success and ids.content == ["bookmark"]

    stale = lrs.save_state(StateDocument(id="bookmark", activity=video, agent=me, content="page=9",
                                         content_type="text/plain", etag='"stale"'))
    assert not stale.success and status(stale) == 412
    assert lrs.retrieve_state(video, me, "bookmark").data in (b"page=4", "page=4"), "a refused write changes nothing"
    # tincan 1.0.0's save_state sends its PUT twice (a bug of the library): with the current ETag the first one
    # succeeds and the second, its ETag now stale, is refused 412 — the LRS doing its job. Saved without one here.
    assert lrs.save_state(StateDocument(id="bookmark", activity=video, agent=me, content="page=5",
                                        content_type="text/plain")).success
    assert lrs.retrieve_state(video, me, "bookmark").data in (b"page=5", "page=5")
    assert lrs.delete_state(StateDocument(id="bookmark", activity=video, agent=me)).success
    assert lrs.retrieve_state_ids(video, me).content == []

    someone_else = lrs_for(f"ens-doc-{uuid.uuid4().hex[:6]}").retrieve_state_ids(video, me)
    assert not someone_else.success and status(someone_else) == 403

    profile = AgentProfileDocument(id="preferences", agent=me, content=json.dumps({"lang": "fr"}),
                                   content_type="application/json")
    assert lrs.save_agent_profile(profile).success
    again = lrs.save_agent_profile(AgentProfileDocument(id="preferences", agent=me, content='{"lang": "en"}',
                                                        content_type="application/json"))
    assert not again.success and status(again) == 409, "replacing a profile needs its ETag"
    fetched = lrs.retrieve_agent_profile(me, "preferences")
    assert fetched.success and json.loads(fetched.data) == {"lang": "fr"}
    replaced = lrs.save_agent_profile(AgentProfileDocument(
        id="preferences", agent=me, content='{"lang": "en"}', content_type="application/json",
        etag=fetched.response.getheader("ETag")))
    assert replaced.success, (status(replaced), replaced.data)
    assert json.loads(lrs.retrieve_agent_profile(me, "preferences").data) == {"lang": "en"}
