# Knooppunt's interface in Dutch. Keys are the same in en/main.ftl.

## Frame of every page
skip-to-content = Naar de inhoud
language = Taal
lang-nl = Nederlands
lang-en = English
nav-label = Hoofdmenu
nav-home = Mijn tijdlijn
nav-notifications = Meldingen
nav-local = Deze wijk
nav-federated = Overal
signed-in-as = Ingelogd als
sign-in = Inloggen
sign-out = Uitloggen
sign-up = Account aanmaken

## Errors
error-csrf = Het formulier is verlopen of kwam van een andere site. Laad de pagina opnieuw en probeer het nog eens.
error-not-found = Niet gevonden
error-forbidden = Dat mag niet
error-unauthorized = Log eerst in
error-too-many = Even rustig aan
error-request = Dat lukte niet
error-server = Er ging iets mis bij ons
error-server-detail = Probeer het over een tijdje opnieuw. Blijft het misgaan, laat het de coöperatie weten.
error-try-again = Opnieuw proberen
error-go-home = Naar de voorpagina

## Signing in and up
name-or-email = Naam of e-mailadres
password = Wachtwoord
no-account = Nog geen account? Maak er een aan.
name = Naam
name-hint = Kleine letters, cijfers en liggende streepjes; hiermee vinden anderen je als @naam.
email = E-mailadres
password-hint = Minstens 10 tekens. Een zin van een paar woorden werkt goed.
role = Ik ben
role-resident = bewoner
role-entrepreneur = ondernemer
role-professional = professional
role-municipality = gemeente
role-cooperative = coöperatie
sign-up-closed = Aanmelden is gesloten. Vraag de coöperatie om een account.
sign-up-approval = De coöperatie keurt nieuwe accounts goed voordat je kunt inloggen.
sign-up-waiting = Je account is aangemaakt en wacht op goedkeuring door de coöperatie. Je krijgt bericht zodra je kunt inloggen.

## Apps asking for access
authorize = Toegang geven
authorize-app-wants = Deze app vraagt toegang tot je account:
authorize-approve = Toestaan
authorize-deny = Weigeren
authorize-code-title = Autorisatiecode
authorize-code-message = Kopieer deze code en plak hem in de app:

## The front page
home-tagline = Het knooppunt van de wijk
home-about = Bewoners, ondernemers en professionals werken hier samen aan alles in de wijk, van een straatfeest tot een wijkplan.
home-follow = Volg de wijk
home-people = Mensen
home-groups = Groepen

## Plans
plan-owners = Eigenaren
plan-themes = Thema's
plan-area = Gebied
plan-cost = Geschatte kosten
plan-budget = Gevraagd budget
plan-supports = Steun
plan-arguments = Argumenten
plan-pro = Voor
plan-contra = Tegen
plan-history = Geschiedenis
plan-action-created = schreef het plan
plan-action-edited = paste het plan aan
plan-action-state = zette het plan op
plan-action-progress = meldde voortgang
plan-action-owner_added = werd mede-eigenaar
plan-state-idea = Idee
plan-state-proposal = Voorstel
plan-state-adopted = Aangenomen
plan-state-rejected = Afgewezen
plan-state-in_progress = In uitvoering
plan-state-done = Klaar
plan-support = Steun dit plan
plan-unsupport = Trek je steun in
plan-steps = Volgende stap
plan-step-to = Zet op:
plan-step-reason = De reden (staat in de geschiedenis)
plan-argue = Voeg een argument toe
plan-stance = Je argument is
plan-argument-text = Je argument
plan-argue-submit = Voeg het argument toe
plan-support-argument = Steun dit argument
plan-argument-supports = { $count ->
    [one] 1 steunbetuiging
   *[other] { $count } steunbetuigingen
}
plan-new-title = Schrijf een plan
plan-new-intro = Een plan begint als idee. Buren kunnen het steunen en argumenten toevoegen; als het klaar is, maak je er een voorstel van.
plan-new-title-field = Titel
plan-new-summary = Samenvatting
plan-new-content = Het hele plan
plan-new-themes = Thema's
plan-new-themes-hint = Woorden gescheiden door spaties of komma's, zoals: groen, speeltuin
plan-new-area = Gebied (een adres of plek)
plan-new-group = Groep (niet verplicht)
plan-new-group-hint = De naam van een groep waar je lid van bent en die het plan met je deelt.
plan-new-submit = Publiceer het idee
plans-title = Plannen
plans-filter = Toon plannen
plans-state = Stand
plans-any-state = Elke stand
plans-group = Groep
plans-none = Hier zijn nog geen plannen.
plans-older = Oudere plannen
nav-plans = Plannen
nav-events = Activiteiten
plan-edit-title = Pas het plan aan
plan-edit-submit = Bewaar het plan
plan-state-withdrawn = Ingetrokken

## Timelines
timeline-home = Mijn tijdlijn
timeline-home-intro = Berichten van de mensen en groepen die je volgt, en je eigen berichten.
timeline-local = Deze wijk
timeline-local-intro = Openbare berichten van mensen in deze wijk.
timeline-federated = Overal
timeline-federated-intro = Openbare berichten uit deze wijk en van elders die deze wijk kent.
timeline-posts = Berichten
timeline-empty = Hier staan nog geen berichten.
timeline-older = Oudere berichten

## Posts
post-boosted-by = Gedeeld door
post-is-reply = antwoord
post-replies = { $count ->
    [one] 1 antwoord
   *[other] { $count } antwoorden
}
post-favourites = { $count ->
    [one] 1 favoriet
   *[other] { $count } favorieten
}
post-boosts = { $count ->
    [one] 1 keer gedeeld
   *[other] { $count } keer gedeeld
}
post-reply = Antwoorden
post-favourite = Favoriet maken
post-unfavourite = Geen favoriet meer
post-boost = Delen
post-unboost = Niet meer delen
post-delete = Verwijderen
visibility-public = Openbaar
visibility-unlisted = Minder zichtbaar
visibility-private = Alleen volgers
visibility-direct = Alleen genoemde mensen

## Writing
compose-title = Nieuw bericht
compose-reply-title = Antwoorden
compose-in-reply-to = Het bericht waarop je antwoordt
compose-spoiler = Waarschuwing (niet verplicht)
compose-spoiler-hint = Staat boven je bericht; lezers openen het bericht zelf.
compose-status = Je bericht
compose-visibility = Wie mag het zien
compose-submit = Plaatsen

## Notifications
notifications-title = Meldingen
notifications-empty = Je hebt nog geen meldingen.
notification-mention = noemde je
notification-favourite = vond je bericht goed
notification-reblog = deelde je bericht
notification-follow = volgt je nu
notification-follow_request = wil je volgen
notification-poll = een peiling is afgelopen
notification-other = deed iets dat jou aangaat

## Events
event-join = Doe mee
event-leave = Meld je af
event-joined = Je doet mee.
event-full = Dit evenement is vol: er is geen plaats meer voor je.
events-title = Activiteiten
events-upcoming = Alleen komende activiteiten
events-with-past = Ook voorbije activiteiten
events-none = Hier zijn geen activiteiten.
events-later = Meer activiteiten
event-new-title = Organiseer een activiteit
event-new-name = Naam
event-new-description = Wat er gebeurt
event-new-starts_at = Begint
event-new-ends_at = Eindigt (niet verplicht)
event-new-timezone = Tijdzone
event-new-place = Plek
event-new-address = Adres
event-new-capacity = Hoogstens zoveel deelnemers (leeg: geen grens)
event-new-group = Groep (niet verplicht)
event-new-group-hint = Organiseer het namens een groep die je modereert.
event-new-submit = Publiceer de activiteit
event-cancelled = Dit evenement gaat niet door.
event-when = Wanneer
event-where = Waar
event-participants = Deelnemers
event-add-to-calendar = Zet in je agenda (iCal)

# Home page: the neighbourhood at a glance
home-plans = Plannen
home-all-in-state = Alle plannen met status
home-all-plans = Alle plannen
home-events = Komende activiteiten
home-all-events = Alle activiteiten
home-active-groups = Actieve groepen
home-no-groups = Nog geen groepen.
home-follow-how = Zoek dit adres in Mastodon of een andere fediverse-app en volg het: de plannen, activiteiten en berichten verschijnen dan in je tijdlijn.
## People: profiles, search, settings
nav-settings = Instellingen
search-title = Zoeken
search-label = Zoeken
search-placeholder = Mensen, plannen, @naam@domein
search-submit = Zoek
search-hint = Woorden, een naam, @naam@domein of een link naar een bericht of profiel.
search-nothing = Niets gevonden.
search-people = Mensen
search-groups = Groepen
search-plans = Plannen
search-events = Activiteiten
search-posts = Berichten
search-sign-in-for-more = Log in om ook berichten te doorzoeken, en mensen op andere servers.
profile-locked = keurt volgers goed
profile-posts = { $count ->
    [one] 1 bericht
   *[other] { $count } berichten
}
profile-followers = { $count ->
    [one] 1 volger
   *[other] { $count } volgers
}
profile-following = { $count ->
    [one] volgt 1
   *[other] volgt { $count }
}
profile-original = Bekijk het profiel op de eigen server
profile-pending = Je verzoek om te volgen wacht op goedkeuring.
profile-cancel-request = Trek het verzoek in
profile-follow = Volg
profile-unfollow = Ontvolg
profile-edit = Bewerk je profiel
profile-sign-in-to-follow = Log in om te volgen
profile-posts-title = Berichten
profile-no-posts = Hier zijn nog geen openbare berichten.
settings-title = Instellingen
settings-saved-profile = Je profiel is bewaard.
settings-saved-language = Je taal is bewaard.
settings-saved-password = Je wachtwoord is gewijzigd.
settings-saved-apps = De app heeft geen toegang meer.
settings-profile = Profiel
settings-display-name = Weergavenaam
settings-note = Over jou
settings-role = Rol
settings-locked = Zelf volgers goedkeuren
settings-locked-hint = Mensen vragen dan of ze je mogen volgen, en jij beslist.
settings-save-profile = Bewaar profiel
settings-language = Taal
settings-lang = Taal van de pagina's
settings-save-language = Bewaar taal
settings-password-title = Wachtwoord
settings-current-password = Huidig wachtwoord
settings-password = Nieuw wachtwoord
settings-save-password = Wijzig wachtwoord
settings-apps = Toegestane apps
settings-apps-none = Geen enkele app kan namens jou handelen.
settings-apps-scopes = Mag
settings-revoke = Intrekken
## Groups (directory, group page) and admin pages
nav-groups = Groepen
groups-title = Groepen
groups-intro = Groepen van deze buurt, en groepen elders die mensen hier volgen.
groups-none = Er zijn nog geen groepen.
groups-elsewhere = op een andere server
groups-older = Meer groepen
group-members-count = { $count ->
    [one] 1 lid
   *[other] { $count } leden
}
group-policy-open = Iedereen kan lid worden van deze groep.
group-policy-approval = Een moderator keurt elk verzoek om lid te worden goed.
group-policy-invite = Deze groep neemt alleen leden op uitnodiging.
group-membership = Lidmaatschap
group-join = Word lid
group-ask-to-join = Vraag om lid te worden
group-leave = Verlaat de groep
group-withdraw = Trek je verzoek in
group-pending = Je verzoek om lid te worden wacht op een moderator.
group-you-member = Je bent lid van deze groep.
group-you-moderate = Je modereert deze groep.
group-sign-in-to-join = Log in om lid te worden
group-requests = Verzoeken om lid te worden
group-requests-none = Niemand wacht om lid te worden.
group-approve = Goedkeuren
group-reject = Afwijzen
group-moderators = Moderators
group-members = Leden
group-plans = Plannen van deze groep
group-plans-none = Deze groep heeft nog geen plannen.
group-all-plans = Alle plannen van deze groep
group-events = Komende activiteiten
group-events-none = Geen komende activiteiten.
group-posts = Recente berichten
group-posts-none = Nog geen berichten in deze groep.
admin-title = Beheer
admin-overview = Overzicht
admin-users = Mensen
admin-reports = Meldingen
admin-blocks = Geblokkeerde domeinen
admin-waiting = Wacht op jou
admin-pending-signups = Aanmeldingen om goed te keuren
admin-open-reports = Open meldingen
admin-federation = Federatie
admin-fed-pending = Afleveringen in de wachtrij
admin-fed-failing = In de wachtrij na een mislukte poging
admin-fed-failed = Opgegeven
admin-fed-delivered = Afgeleverd
admin-fed-oldest = Oudste in de wachtrij
admin-fed-backlog = Ontvangen, nog niet verwerkt
admin-fed-failing-hosts = Servers die falen
admin-fed-dead-hosts = Opgegeven servers
admin-none = Geen.
admin-user-name = Naam
admin-user-email = E-mail
admin-user-state = Status
admin-user-joined = Lid sinds
admin-user-admin = beheerder
admin-user-pending = wacht op goedkeuring
admin-user-active = actief
admin-user-disabled = uitgeschakeld
admin-actions = Acties
admin-approve = Goedkeuren
admin-disable = Uitschakelen
admin-reports-none = Er zijn geen open meldingen.
admin-report-about = Melding over
admin-report-by = Gemeld door
admin-report-category = Soort
admin-report-when = Ontvangen
admin-report-note = Wat er gedaan is (mag leeg)
admin-resolve = Afhandelen
admin-block-add = Blokkeer een domein
admin-block-domain = Domein
admin-block-severity = Zwaarte
admin-block-public_comment = Reden (openbaar)
admin-block-private_comment = Notitie voor beheerders
admin-block-submit = Blokkeer het domein
admin-blocks-list = Geblokkeerde domeinen
admin-blocks-none = Er zijn geen domeinen geblokkeerd.
admin-unblock = Hef de blokkade op
admin-severity-suspend = Opschorten: niets in of uit
admin-severity-silence = Stilzetten: uit openbare tijdlijnen
admin-severity-noop = Alleen vastleggen
# Posts: edit, delete, images, polls (web-posts)
post-edit = Bewerken
posts-cancel = Annuleren
edit-title = Bericht bewerken
edit-submit = Wijzigingen opslaan
delete-title = Bericht verwijderen
delete-question = Wil je dit bericht verwijderen? Dit kan niet ongedaan worden gemaakt; andere servers horen dat het weg is.
delete-the-post = Het bericht dat je verwijdert
delete-confirm = Ja, verwijderen
compose-image = Afbeelding (niet verplicht)
compose-image-kept = Je afbeelding is bewaard en wordt bijgevoegd.
compose-file = Afbeeldingsbestand
compose-file-hint = PNG, JPEG, GIF of WebP.
compose-description = Beschrijving van de afbeelding (alt-tekst)
compose-description-hint = Voor wie de afbeelding niet kan zien: vertel wat erop staat.
compose-poll = Peiling (niet verplicht)
compose-poll-hint = Vul minstens twee keuzes in; laat ze leeg voor een bericht zonder peiling. Een peiling gaat niet samen met een afbeelding.
compose-poll-option = Keuze
compose-poll-expires = Open gedurende
compose-poll-multiple = Mensen mogen meer dan één keuze maken
poll-expires-hour = 1 uur
poll-expires-day = 1 dag
poll-expires-3days = 3 dagen
poll-expires-week = 1 week
poll-choose-one = Peiling: kies één keuze
poll-choose-many = Peiling: kies een of meer keuzes
poll-vote = Stemmen
poll-votes = { $count ->
    [one] 1 stem
   *[other] { $count } stemmen
}
poll-total = { $count ->
    [one] 1 stem in totaal
   *[other] { $count } stemmen in totaal
}
poll-ended = de peiling is gesloten
events-upcoming-heading = Komend
events-past-heading = Voorbij
events-none-upcoming = Geen komende activiteiten.
events-none-past = Geen voorbije activiteiten.
compose-more = Een afbeelding of peiling toevoegen
events-more-past = Eerdere activiteiten
## Plan page: comments, polls, advice, owners, events, progress (web-planpage)
plan-comments = Reacties
plan-comments-none = Nog geen reacties.
plan-comment-text = Je reactie
plan-comment-submit = Plaats de reactie
plan-sign-in-to-take-part = Log in om mee te doen
plan-polls = Peilingen
plan-polls-none = De eigenaren hebben nog niets gevraagd.
plan-poll-vote = Stem
plan-poll-your-vote = jouw stem
plan-poll-votes = { $count ->
    [one] { $count } stem
   *[other] { $count } stemmen
}
plan-poll-closed = gesloten
plan-poll-new = Stel de buurt een vraag
plan-poll-question = Vraag
plan-poll-options = Antwoorden om uit te kiezen
plan-poll-option = Antwoord
plan-poll-expires = Open gedurende
plan-poll-day = een dag
plan-poll-week = een week
plan-poll-multiple = Mensen mogen meer dan één antwoord kiezen
plan-poll-submit = Start de peiling
plan-advice = Advies van deskundigen
plan-advice-none = Er is nog geen advies gevraagd.
plan-advice-pending = wacht op antwoord
plan-advice-answered = beantwoord
plan-advice-question = Vraag
plan-advice-verdict = Je advies
plan-advice-verdict-positive = Positief
plan-advice-verdict-conditions = Positief, onder voorwaarden
plan-advice-verdict-negative = Negatief
plan-advice-reasons = Je onderbouwing
plan-advice-answer = Geef het advies
plan-advice-ask = Vraag iemand om advies
plan-advice-submit = Vraag om advies
plan-handle = Wie vraag je (account)
plan-handle-hint = Zoals @naam voor iemand hier, of @naam@voorbeeld.nl elders.
plan-invited = Je bent uitgenodigd om mede-eigenaar van dit plan te worden.
plan-invitation-accept = Accepteren
plan-invitation-reject = Afslaan
plan-invitation-pending = wacht op antwoord
plan-invitation-accepted = geaccepteerd
plan-invitation-rejected = afgeslagen
plan-invitations = Uitnodigingen
plan-invite-handle = Nodig een mede-eigenaar uit (account)
plan-invite-submit = Uitnodigen
plan-events = Bijbehorende activiteiten
plan-events-none = Er horen nog geen activiteiten bij dit plan.
plan-event-cancelled = afgelast
plan-event-new = Organiseer een activiteit voor dit plan
plan-progress = Voortgang en resultaten
plan-progress-none = Nog niets gemeld.
plan-results = Resultaten
plan-progress-note = Wat er is gebeurd
plan-progress-submit = Meld de voortgang
plan-new-cost_estimate = Geschatte kosten in euro (optioneel)
plan-new-requested_budget = Gevraagd budget in euro (optioneel)
plan-new-money-hint = Een bedrag zoals 1250 of 1250,50.
event-new-plan = Deze activiteit hoort bij het plan

# A plan's arguments, one side at a time
plan-side-all = Alle
plan-side-none = Hier staat nog niets.
plan-side-later = Latere

## Refusals: what the API says and pages show, with the field they name.
## A plan state in a sentence.
plan-state-word-idea = idee
plan-state-word-proposal = voorstel
plan-state-word-adopted = aangenomen
plan-state-word-rejected = afgewezen
plan-state-word-in_progress = in uitvoering
plan-state-word-done = klaar
plan-state-word-withdrawn = ingetrokken

error-access-denied = geen toegang
error-access-token-invalid = het toegangstoken is ongeldig
error-account-cannot-followed = dit account kan niet gevolgd worden
error-account-disabled = dit account is uitgeschakeld
error-account-suspended = dit account is opgeschort
error-account-waiting-approval = dit account wacht op goedkeuring
error-account-was-deleted = het account is verwijderd
error-action-not-allowed = dit mag niet
error-action-outside-authorized-scopes-needs = deze handeling valt buiten de toegestane rechten (nodig: { $scope })
error-active-members-group-moderate = alleen actieve leden van de groep kunnen haar modereren
error-actor-changed-while-storing = de actor veranderde tijdens het opslaan
error-actor-update-itself = een actor kan alleen zichzelf bijwerken
error-administrators-are-not-moderated-take-role = beheerders worden niet gemodereerd; neem eerst de rol af
error-administrators-only = alleen voor beheerders
error-advice-asked-plan-askers-own-instance = advies wordt gevraagd over een plan van de eigen server van de vrager
error-advice-not-asked-anyone-here = het advies is aan niemand hier gevraagd
error-advice-was-already-given = dit advies is al gegeven
error-advisor-asked-answer = alleen de gevraagde adviseur kan antwoorden
error-already-boosted = al gedeeld
error-already-editor-plan = al redacteur van dit plan
error-already-following = je volgt al
error-already-invited-invitation-awaits-answer = al uitgenodigd; de uitnodiging wacht op antwoord
error-already-member = al lid
error-already-owner = al eigenaar
error-already-owner-plan = al eigenaar van dit plan
error-already-taking-part = je doet al mee
error-apps-rate-limited = te veel apps geregistreerd vanaf dit adres; probeer het later opnieuw
error-at-least-one-redirect-uri-required = er is minstens één redirect-URI nodig
error-at-most-attachments = hoogstens { $max } bijlagen
error-at-most-characters = hoogstens { $max } tekens
error-at-most-themes = hoogstens { $max } thema's
error-author-change-status = alleen de schrijver kan een bericht wijzigen
error-author-delete-status = alleen de schrijver kan een bericht verwijderen
error-boost-cannot-edited = een gedeeld bericht kan niet bewerkt worden
error-cannot-before-starts-at = mag niet vóór het begin liggen
error-cannot-combined-with-media = kan niet samen met media
error-cannot-negative = mag niet negatief zijn
error-cant-blank = mag niet leeg zijn
error-choose-nl-en = kies nl of en
error-choose-one-polls-options = kies een van de opties van de peiling
error-choose-option = kies een optie
error-choose-pro-contra-comments = kies pro, contra of reacties
error-decision-needs-reason = een besluit heeft een reden nodig (toelichting)
error-disabled-cannot-own-group = { $name } is uitgeschakeld en kan geen groep bezitten
error-done-needs-results = een afgerond plan heeft zijn resultaten nodig (toelichting)
error-email-in-use = het e-mailadres { $email } is al in gebruik
error-event-cancelled = de activiteit is afgelast
error-event-full = de activiteit is vol
error-event-needs-name-starts-at = een activiteit heeft een naam en een begintijd nodig
error-federation = { $detail }
error-file-too-large = het bestand is te groot ({ $size } bytes, hoogstens { $max })
error-form-has-expired-came-from-another = het formulier is verlopen of kwam van een andere site; laad de pagina opnieuw en probeer het nog eens
error-form-too-large = het formulier is te groot
error-geometry-kind = alleen GeoJSON Point en Polygon worden ondersteund
error-geometry-point = een Point heeft [lengtegraad, breedtegraad] nodig
error-geometry-polygon-ring-count = een Polygon heeft 1 tot 100 ringen nodig
error-geometry-polygon-rings = een Polygon heeft ringen van posities nodig
error-geometry-ring-closed = een ring moet eindigen waar hij begint
error-geometry-ring-list = een ring is een lijst van posities
error-geometry-ring-size = een ring heeft 4 tot 10000 posities [lengtegraad, breedtegraad] nodig
error-group-does-not-own-plan = de groep "{ $group }" is geen eigenaar van dit plan
error-group-takes-members-by-invitation = deze groep neemt alleen leden aan op uitnodiging
error-groups-owner-administrator-appoints-moderators = alleen de eigenaar van de groep of een beheerder benoemt moderatoren
error-groups-owner-moderates-already = de eigenaar van de groep modereert haar al
error-groups-owners-moderators-do = alleen de eigenaren en moderatoren van de groep mogen dit
error-image-damaged-incomplete = de afbeelding is beschadigd of onvolledig
error-instance-cannot-block-itself = deze server kan zichzelf niet blokkeren
error-instances-own-actor-moderated-with-domain = de eigen actor van een server wordt gemodereerd met een domeinblokkade
error-invitation-already = deze uitnodiging is al { $state }
error-invitations-plan-come-from-plans-own = uitnodigingen voor een plan komen van de eigen server van het plan
error-invited-actor-answer-invitation = alleen wie is uitgenodigd kan de uitnodiging beantwoorden
error-invited-actor-not-here = wie is uitgenodigd is hier niet bekend
error-keys-owner-another-host = de eigenaar van de sleutel staat op een andere server
error-latitude-longitude-out-range = breedte- of lengtegraad buiten bereik
error-line = regel { $line }: { $why }
error-logins-for-account = te veel mislukte inlogpogingen voor dit account; probeer het over { $wait } seconden opnieuw
error-logins-from-address = te veel mislukte inlogpogingen vanaf dit adres; probeer het over 15 minuten opnieuw
error-media-not-yours-already-used = media { $raw } is niet van jou of al gebruikt
error-members-group-start-plan = alleen leden van een groep mogen er een plan voor beginnen
error-method-requires-authenticated-user = hiervoor moet je ingelogd zijn
error-media-not-shown = media van die server worden hier niet getoond
error-missing = niet gevonden
error-moderators-owning-group-invite-co-owners = alleen de moderatoren van een eigenaar-groep nodigen mede-eigenaren uit namens haar
error-more-people-take-part-than-new = er doen meer mensen mee dan de nieuwe capaciteit
error-must-1-200-characters = moet 1 tot 200 tekens zijn
error-must-amount-in-euros-such-as = moet een bedrag in euro zijn, zoals 1250,50
error-must-at-least-1 = moet minstens 1 zijn
error-must-currency-cost-estimate = moet de munteenheid van de kostenraming zijn
error-must-date-time = moet een datum en een tijd zijn
error-must-iso-4217-code-such-as = moet een ISO 4217-code zijn, zoals EUR
error-must-not-contain-name = mag de naam niet bevatten
error-must-number-seconds = moet een aantal seconden zijn
error-must-positive-conditions-negative = moet positief, voorwaardelijk of negatief zijn
error-must-rfc-3339-time = moet een RFC 3339-tijd zijn
error-must-silence-suspend-noop = moet silence, suspend of noop zijn
error-must-spam-legal-violation-other = moet spam, legal, violation of other zijn
error-must-whole-number = moet een geheel getal zijn
error-name-taken = de naam { $username } is al bezet
error-no-group-here-called = er is hier geen groep die "{ $group }" heet
error-no-one-here-called = er is hier niemand die "{ $name }" heet
error-no-one-known-by-handle = niemand is bekend onder deze naam
error-no-such-account = dit account bestaat niet
error-no-such-account-here = dit account bestaat hier niet
error-no-such-action = deze handeling bestaat niet
error-no-such-actor = deze actor bestaat niet
error-no-such-advice = dit advies bestaat niet
error-no-such-advice-request = deze adviesvraag bestaat niet
error-no-such-editor = deze redacteur bestaat niet
error-no-such-event = deze activiteit bestaat niet
error-no-such-event-here = deze activiteit bestaat hier niet
error-no-such-invitation = deze uitnodiging bestaat niet
error-no-such-local-actor = deze lokale actor bestaat niet
error-no-such-organiser = deze organisator bestaat niet
error-no-such-plan = dit plan bestaat niet
error-no-such-poll = deze peiling bestaat niet
error-no-such-report = deze melding bestaat niet
error-no-such-request-join = dit verzoek om lid te worden bestaat niet
error-not-a-state = "{ $state }" is geen fase
error-not-a-state-of = "{ $state }" is geen fase ({ $states })
error-not-blocked = { $domain } is niet geblokkeerd
error-not-domain = "{ $raw }" is geen domein
error-not-email-address = "{ $raw }" is geen e-mailadres
error-not-iana-time-zone-such-as = "{ $tz }" is geen IANA-tijdzone zoals Europe/Amsterdam
error-not-id = is geen id
error-not-known-time-zone = is geen bekende tijdzone
error-not-media-id = "{ $raw }" is geen media-id
error-not-open-resolved = "{ $other }" is niet open of afgehandeld
error-not-option-number = "{ $c }" is geen optienummer
error-not-option-poll = geen optie van deze peiling
error-not-role = "{ $role }" is geen rol
error-not-stance-pro-contra = "{ $other }" is geen standpunt (pro of contra)
error-not-theme-letters-digits = "{ $t }" is geen thema (alleen letters, cijfers en _)
error-not-visibility = "{ $other }" is geen zichtbaarheid
error-not-your-password = is niet je wachtwoord
error-organiser-answers-join = alleen de organisator beantwoordt een aanmelding
error-organiser-cancel-event = alleen de organisator mag een activiteit afgelasten
error-organiser-change-event = alleen de organisator mag een activiteit wijzigen
error-people-groups-own-plan = alleen mensen en groepen kunnen een plan bezitten
error-people-who-are-members-group-here = alleen mensen die hier lid zijn van de groep kunnen namens haar bewerken
error-plan-cannot-be-edited = een plan dat { $state } is kan niet bewerkt worden
error-plan-gone = het plan is er niet meer
error-plan-lives-another-instance-ask-from = dit plan staat op een andere server: vraag het daar
error-plan-lives-another-instance-change-there = dit plan staat op een andere server: wijzig het daar
error-plan-lives-another-instance-invite-from = dit plan staat op een andere server: nodig daar uit
error-plan-no-such-step = een plan kan niet van { $from } naar { $to }
error-plan-step-not-yours = alleen { $who ->
        [owners] de eigenaren van het plan
       *[deciders] de moderatoren en beheerders van de buurt die het plan niet bezitten
    } mogen een plan van { $from } naar { $to } brengen
error-plans-owners-ask-advice = alleen de eigenaren van het plan mogen er advies over vragen
error-plans-owners-ask-advice-2 = alleen de eigenaren van het plan mogen advies vragen
error-plans-owners-change = alleen de eigenaren van het plan mogen het wijzigen
error-plans-owners-edit = alleen de eigenaren van het plan mogen het bewerken
error-plans-owners-invite-co-owners = alleen de eigenaren van het plan mogen mede-eigenaren uitnodigen
error-plans-owners-invite-co-owners-2 = alleen de eigenaren van een plan mogen mede-eigenaren uitnodigen
error-plans-owners-link-event = alleen de eigenaren van het plan mogen er een activiteit aan koppelen
error-plans-owners-see-invitations = alleen de eigenaren van het plan zien de uitnodigingen
error-plans-owners-start-poll = alleen de eigenaren van het plan mogen er een peiling bij beginnen
error-poll-allows-one-choice = bij deze peiling kies je één optie
error-poll-expires-in = expires_in moet { $min } tot { $max } seconden zijn
error-poll-has-ended = de peiling is afgelopen
error-poll-needs-at-least-2-options = een peiling heeft minstens 2 opties nodig
error-poll-not-visible-sender = de peiling is niet zichtbaar voor de afzender
error-poll-option-length = opties moeten 1 tot { $max } tekens zijn
error-poll-options-count = heeft 2 tot { $max } opties nodig
error-progress-needs-text = een voortgangsbericht heeft tekst nodig (toelichting)
error-progress-not-now = bij een plan dat { $from } is kan geen voortgang gemeld worden
error-progress-owners-only = alleen de eigenaren van het plan melden de voortgang
error-public-statuses-sender-see-announced = alleen openbare berichten die de afzender mag zien kunnen gedeeld worden
error-public-unlisted-statuses-boosted = alleen openbare en niet-vermelde berichten kunnen gedeeld worden
error-record-not-found = Niet gevonden
error-redirect-fragment = "{ $uri }" mag geen fragment hebben
error-redirect-http = "{ $uri }" gebruikt http, alleen toegestaan op een loopback-adres; gebruik https
error-redirect-no-host = "{ $uri }" heeft geen host
error-redirect-not-uri = "{ $uri }" is geen URI
error-redirect-scheme = "{ $uri }" gebruikt een schema dat niet voor redirects is
error-report-came-from-was-sent-accounts = deze melding kwam van, of ging naar, de server van het account
error-reported-account-gone = het gemelde account is er niet meer
error-reported-account-here-there-nobody-forward = het gemelde account staat hier: er is niemand om door te sturen
error-request-body-too-large = het verzoek is te groot
error-required = is verplicht
error-scheduled-statuses-are-not-supported = ingeplande berichten worden niet ondersteund
error-search-limits = zoek met hoogstens { $chars } tekens en { $words } woorden
error-sign-in-first = log eerst in
error-sign-ins-busy = te veel mensen loggen tegelijk in; probeer het zo opnieuw
error-sign-ups-rate-limited = te veel aanmeldingen vanaf dit adres; probeer het later opnieuw
error-status-not-by-reported-account = bericht { $id } is niet van het gemelde account
error-status-not-visible-sender = het bericht is niet zichtbaar voor de afzender
error-there-no-group-named-here = er is hier geen groep met de naam "{ $name }"
error-there-no-local-person-named = er is hier niemand met de naam "{ $name }"
error-too-easy-guess-use-at-least = te makkelijk te raden (gebruik minstens 5 verschillende tekens)
error-too-long = te lang (hoogstens { $max } tekens)
error-too-long-count = is te lang ({ $count } tekens, hoogstens { $max })
error-too-short = te kort ({ $len } tekens, minstens { $min })
error-unexpected-file = onverwacht bestand
error-unknown-scope = onbekend recht "{ $s }"
error-unsupported-file-type-upload-png-jpeg = dit bestandstype wordt niet ondersteund: upload een PNG-, JPEG-, GIF- of WebP-afbeelding
error-upload-too-large = het bestand is te groot
error-username-characters = "{ $name }" mag alleen kleine letters a-z, cijfers en liggende streepjes bevatten
error-username-empty = mag niet leeg zijn
error-username-too-long = te lang ({ $len } tekens, hoogstens { $max })
error-was-already-deleted = { $name } was al verwijderd
error-wrong-name-password = verkeerde naam of wachtwoord
error-you-cannot-block-yourself = je kunt jezelf niet blokkeren
error-you-cannot-follow-yourself = je kunt jezelf niet volgen
error-you-cannot-invite-yourself = je kunt jezelf niet uitnodigen
error-you-cannot-moderate-yourself = je kunt jezelf niet modereren
error-you-cannot-mute-yourself = je kunt jezelf niet negeren
error-you-cannot-report-yourself = je kunt jezelf niet melden
error-you-have-already-voted = je hebt al gestemd
# Settings: avatar and header images
settings-avatar = Profielfoto
settings-avatar-current = Je profielfoto nu
settings-header = Omslagfoto
settings-header-current = Je omslagfoto nu
settings-images-hint = Een PNG-, JPEG-, GIF- of WebP-afbeelding. Laat leeg om de huidige te houden.

# Search and the people list, a page at a time
search-more-people = Alle gevonden mensen, nieuwste eerst
search-more-groups = Alle gevonden groepen, nieuwste eerst
search-more-plans = Alle gevonden plannen, nieuwste eerst
search-more-events = Alle gevonden activiteiten, nieuwste eerst
search-more-posts = Alle gevonden berichten, nieuwste eerst
search-later = Oudere resultaten
admin-users-later = Meer mensen
