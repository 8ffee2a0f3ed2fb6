# Knooppunt's interface in English. Keys are the same in nl/main.ftl.

## Frame of every page
skip-to-content = Skip to content
language = Language
lang-nl = Nederlands
lang-en = English
nav-label = Main menu
nav-home = My timeline
nav-notifications = Notifications
nav-local = This neighbourhood
nav-federated = Everywhere
signed-in-as = Signed in as
sign-in = Sign in
sign-out = Sign out
sign-up = Create an account

## Errors
error-csrf = The form has expired or came from another site. Reload the page and try again.
error-not-found = Not found
error-forbidden = Not allowed
error-unauthorized = Sign in first
error-too-many = Slow down a little
error-request = That did not work
error-server = Something went wrong on our side
error-server-detail = Try again in a while. If it keeps failing, tell the cooperative.
error-try-again = Try again
error-go-home = Go to the front page

## Signing in and up
name-or-email = Name or email address
password = Password
no-account = No account yet? Create one.
name = Name
name-hint = Lowercase letters, digits and underscores; others find you as @name.
email = Email address
password-hint = At least 10 characters. A sentence of a few words works well.
role = I am a
role-resident = resident
role-entrepreneur = entrepreneur
role-professional = professional
role-municipality = municipality
role-cooperative = cooperative
sign-up-closed = Sign-up is closed. Ask the cooperative for an account.
sign-up-approval = The cooperative approves new accounts before you can sign in.
sign-up-waiting = Your account was created and is waiting for approval by the cooperative. You will hear when you can sign in.

## Apps asking for access
authorize = Authorise access
authorize-app-wants = This app asks for access to your account:
authorize-approve = Allow
authorize-deny = Deny
authorize-code-title = Authorisation code
authorize-code-message = Copy this code and paste it into the app:

## The front page
home-tagline = The meeting point of the neighbourhood
home-about = Residents, entrepreneurs and professionals work together here on everything in the neighbourhood, from a street party to a neighbourhood plan.
home-follow = Follow the neighbourhood
home-people = People
home-groups = Groups

## Plans
plan-owners = Owners
plan-themes = Themes
plan-area = Area
plan-cost = Cost estimate
plan-budget = Requested budget
plan-supports = Support
plan-arguments = Arguments
plan-pro = For
plan-contra = Against
plan-history = History
plan-action-created = wrote the plan
plan-action-edited = edited the plan
plan-action-state = moved the plan to
plan-action-progress = reported progress
plan-action-owner_added = became a co-owner
plan-state-idea = Idea
plan-state-proposal = Proposal
plan-state-adopted = Adopted
plan-state-rejected = Rejected
plan-state-in_progress = In progress
plan-state-done = Done
plan-support = Support this plan
plan-unsupport = Withdraw your support
plan-steps = Next step
plan-step-to = Move to:
plan-step-reason = The reason (shown in the history)
plan-argue = Add an argument
plan-stance = Your argument is
plan-argument-text = Your argument
plan-argue-submit = Add the argument
plan-support-argument = Support this argument
plan-argument-supports = { $count ->
    [one] 1 supporter
   *[other] { $count } supporters
}
plan-new-title = Write a plan
plan-new-intro = A plan starts as an idea. Neighbours can support it and add arguments; when it is ready, you make it a proposal.
plan-new-title-field = Title
plan-new-summary = Summary
plan-new-content = The plan in full
plan-new-themes = Themes
plan-new-themes-hint = Words separated by spaces or commas, such as: green, playground
plan-new-area = Area (an address or a place)
plan-new-group = Group (optional)
plan-new-group-hint = The name of a group you belong to that owns the plan with you.
plan-new-submit = Publish the idea
plans-title = Plans
plans-filter = Show plans
plans-state = State
plans-any-state = Any state
plans-group = Group
plans-none = No plans here yet.
plans-older = Older plans
nav-plans = Plans
nav-events = Events
plan-edit-title = Edit the plan
plan-edit-submit = Save the plan
plan-state-withdrawn = Withdrawn

## Timelines
timeline-home = My timeline
timeline-home-intro = Posts of the people and groups you follow, and your own.
timeline-local = This neighbourhood
timeline-local-intro = Public posts of people in this neighbourhood.
timeline-federated = Everywhere
timeline-federated-intro = Public posts from this neighbourhood and from elsewhere that it knows.
timeline-posts = Posts
timeline-empty = No posts here yet.
timeline-older = Older posts

## Posts
post-boosted-by = Boosted by
post-is-reply = reply
post-replies = { $count ->
    [one] 1 reply
   *[other] { $count } replies
}
post-favourites = { $count ->
    [one] 1 favourite
   *[other] { $count } favourites
}
post-boosts = { $count ->
    [one] 1 boost
   *[other] { $count } boosts
}
post-reply = Reply
post-favourite = Favourite
post-unfavourite = Remove favourite
post-boost = Boost
post-unboost = Undo boost
post-delete = Delete
visibility-public = Public
visibility-unlisted = Unlisted
visibility-private = Followers only
visibility-direct = Mentioned people only

## Writing
compose-title = New post
compose-reply-title = Reply
compose-in-reply-to = The post you are answering
compose-spoiler = Content warning (optional)
compose-spoiler-hint = Shown above your post; readers open the post themselves.
compose-status = Your post
compose-visibility = Who may see it
compose-submit = Post

## Notifications
notifications-title = Notifications
notifications-empty = You have no notifications yet.
notification-mention = mentioned you
notification-favourite = favourited your post
notification-reblog = boosted your post
notification-follow = follows you now
notification-follow_request = asks to follow you
notification-poll = a poll has ended
notification-other = did something that concerns you

## Events
event-join = Take part
event-leave = Leave
event-joined = You take part.
event-full = This event is full: there is no place left for you.
events-title = Events
events-upcoming = Only upcoming events
events-with-past = Past events too
events-none = No events here.
events-later = More events
event-new-title = Organise an event
event-new-name = Name
event-new-description = What happens
event-new-starts_at = Starts
event-new-ends_at = Ends (optional)
event-new-timezone = Time zone
event-new-place = Place
event-new-address = Address
event-new-capacity = Most participants (empty: no limit)
event-new-group = Group (optional)
event-new-group-hint = Organise it as a group you moderate.
event-new-submit = Publish the event
event-cancelled = This event is cancelled.
event-when = When
event-where = Where
event-participants = Participants
event-add-to-calendar = Add to your calendar (iCal)

# Home page: the neighbourhood at a glance
home-plans = Plans
home-all-in-state = All plans in state
home-all-plans = All plans
home-events = Coming events
home-all-events = All events
home-active-groups = Active groups
home-no-groups = No groups yet.
home-follow-how = Search for this address in Mastodon or any other fediverse app and follow it: its plans, events and posts then appear in your timeline.
## People: profiles, search, settings
nav-settings = Settings
search-title = Search
search-label = Search
search-placeholder = People, plans, @name@domain
search-submit = Search
search-hint = Words, a name, @name@domain or a link to a post or profile.
search-nothing = Nothing found.
search-people = People
search-groups = Groups
search-plans = Plans
search-events = Events
search-posts = Posts
search-sign-in-for-more = Sign in to search posts too, and people on other servers.
profile-locked = approves followers
profile-posts = { $count ->
    [one] 1 post
   *[other] { $count } posts
}
profile-followers = { $count ->
    [one] 1 follower
   *[other] { $count } followers
}
profile-following = { $count ->
    [one] follows 1
   *[other] follows { $count }
}
profile-original = See the profile on its own server
profile-pending = Your request to follow waits for approval.
profile-cancel-request = Withdraw the request
profile-follow = Follow
profile-unfollow = Unfollow
profile-edit = Edit your profile
profile-sign-in-to-follow = Sign in to follow
profile-posts-title = Posts
profile-no-posts = No public posts here yet.
settings-title = Settings
settings-saved-profile = Your profile is saved.
settings-saved-language = Your language is saved.
settings-saved-password = Your password is changed.
settings-saved-apps = The app no longer has access.
settings-profile = Profile
settings-display-name = Display name
settings-note = About you
settings-role = Role
settings-locked = Approve followers myself
settings-locked-hint = People then ask to follow you, and you decide.
settings-save-profile = Save profile
settings-language = Language
settings-lang = Language of the pages
settings-save-language = Save language
settings-password-title = Password
settings-current-password = Current password
settings-password = New password
settings-save-password = Change password
settings-apps = Authorised apps
settings-apps-none = No app can act for you.
settings-apps-scopes = May
settings-revoke = Revoke
## Groups (directory, group page) and admin pages
nav-groups = Groups
groups-title = Groups
groups-intro = Groups of this neighbourhood, and groups elsewhere that people here follow.
groups-none = There are no groups yet.
groups-elsewhere = on another instance
groups-older = More groups
group-members-count = { $count ->
    [one] 1 member
   *[other] { $count } members
}
group-policy-open = Anyone can join this group.
group-policy-approval = A moderator approves each request to join.
group-policy-invite = This group takes members by invitation only.
group-membership = Membership
group-join = Join the group
group-ask-to-join = Ask to join
group-leave = Leave the group
group-withdraw = Withdraw your request
group-pending = Your request to join is pending: a moderator will answer it.
group-you-member = You are a member of this group.
group-you-moderate = You moderate this group.
group-sign-in-to-join = Sign in to join this group
group-requests = Requests to join
group-requests-none = No one is waiting to join.
group-approve = Approve
group-reject = Reject
group-moderators = Moderators
group-members = Members
group-plans = Plans of this group
group-plans-none = This group has no plans yet.
group-all-plans = All plans of this group
group-events = Upcoming events
group-events-none = No upcoming events.
group-posts = Recent posts
group-posts-none = No posts in this group yet.
admin-title = Administration
admin-overview = Overview
admin-users = People
admin-reports = Reports
admin-blocks = Domain blocks
admin-waiting = Waiting for you
admin-pending-signups = Sign-ups to approve
admin-open-reports = Open reports
admin-federation = Federation
admin-fed-pending = Deliveries pending
admin-fed-failing = Pending after a failed attempt
admin-fed-failed = Given up
admin-fed-delivered = Delivered
admin-fed-oldest = Oldest pending
admin-fed-backlog = Received, not yet processed
admin-fed-failing-hosts = Failing instances
admin-fed-dead-hosts = Instances given up on
admin-none = None.
admin-user-name = Name
admin-user-email = Email
admin-user-state = State
admin-user-joined = Joined
admin-user-admin = administrator
admin-user-pending = waiting for approval
admin-user-active = active
admin-user-disabled = disabled
admin-actions = Actions
admin-approve = Approve
admin-disable = Disable
admin-reports-none = There are no open reports.
admin-report-about = Report about
admin-report-by = Reported by
admin-report-category = Category
admin-report-when = Received
admin-report-note = What was done (optional)
admin-resolve = Resolve
admin-block-add = Block a domain
admin-block-domain = Domain
admin-block-severity = Severity
admin-block-public_comment = Reason (public)
admin-block-private_comment = Note for administrators
admin-block-submit = Block the domain
admin-blocks-list = Blocked domains
admin-blocks-none = No domains are blocked.
admin-unblock = Remove the block
admin-severity-suspend = Suspend: nothing in or out
admin-severity-silence = Silence: out of public timelines
admin-severity-noop = Only record it
# Posts: edit, delete, images, polls (web-posts)
post-edit = Edit
posts-cancel = Cancel
edit-title = Edit post
edit-submit = Save changes
delete-title = Delete post
delete-question = Do you want to delete this post? This cannot be undone; other servers are told it is gone.
delete-the-post = The post to delete
delete-confirm = Yes, delete
compose-image = Image (optional)
compose-image-kept = Your image is stored and will be attached.
compose-file = Image file
compose-file-hint = PNG, JPEG, GIF or WebP.
compose-description = Description of the image (alt text)
compose-description-hint = For people who cannot see the image: say what it shows.
compose-poll = Poll (optional)
compose-poll-hint = Fill in at least two options; leave them empty for a post without a poll. A poll cannot be combined with an image.
compose-poll-option = Option
compose-poll-expires = Open for
compose-poll-multiple = People may choose more than one option
poll-expires-hour = 1 hour
poll-expires-day = 1 day
poll-expires-3days = 3 days
poll-expires-week = 1 week
poll-choose-one = Poll: choose one option
poll-choose-many = Poll: choose one or more options
poll-vote = Vote
poll-votes = { $count ->
    [one] 1 vote
   *[other] { $count } votes
}
poll-total = { $count ->
    [one] 1 vote in total
   *[other] { $count } votes in total
}
poll-ended = the poll has ended
events-upcoming-heading = Upcoming
events-past-heading = Past
events-none-upcoming = No upcoming events.
events-none-past = No past events.
compose-more = Add an image or a poll
events-more-past = Earlier events
## Plan page: comments, polls, advice, owners, events, progress (web-planpage)
plan-comments = Comments
plan-comments-none = No comments yet.
plan-comment-text = Your comment
plan-comment-submit = Post the comment
plan-sign-in-to-take-part = Sign in to take part
plan-polls = Polls
plan-polls-none = The owners have not asked anything yet.
plan-poll-vote = Vote
plan-poll-your-vote = your vote
plan-poll-votes = { $count ->
    [one] { $count } vote
   *[other] { $count } votes
}
plan-poll-closed = closed
plan-poll-new = Ask the neighbourhood a question
plan-poll-question = Question
plan-poll-options = Answers to choose from
plan-poll-option = Answer
plan-poll-expires = Open for
plan-poll-day = a day
plan-poll-week = a week
plan-poll-multiple = People may choose more than one answer
plan-poll-submit = Start the poll
plan-advice = Expert advice
plan-advice-none = No advice has been asked yet.
plan-advice-pending = waiting for an answer
plan-advice-answered = answered
plan-advice-question = Question
plan-advice-verdict = Your advice
plan-advice-verdict-positive = In favour
plan-advice-verdict-conditions = In favour, with conditions
plan-advice-verdict-negative = Against
plan-advice-reasons = Your reasons
plan-advice-answer = Give the advice
plan-advice-ask = Ask someone for advice
plan-advice-submit = Ask for advice
plan-handle = Whom to ask (handle)
plan-handle-hint = Such as @name for someone here, or @name@example.org elsewhere.
plan-invited = You are invited to co-own this plan.
plan-invitation-accept = Accept
plan-invitation-reject = Decline
plan-invitation-pending = waiting for an answer
plan-invitation-accepted = accepted
plan-invitation-rejected = declined
plan-invitations = Invitations
plan-invite-handle = Invite a co-owner (handle)
plan-invite-submit = Invite
plan-events = Related events
plan-events-none = No events belong to this plan yet.
plan-event-cancelled = cancelled
plan-event-new = Organise an event for this plan
plan-progress = Progress and results
plan-progress-none = Nothing reported yet.
plan-results = Results
plan-progress-note = What has happened
plan-progress-submit = Report progress
plan-new-cost_estimate = Cost estimate in euros (optional)
plan-new-requested_budget = Requested budget in euros (optional)
plan-new-money-hint = An amount such as 1250 or 1250.50.
event-new-plan = This event belongs to the plan

# A plan's arguments, one side at a time
plan-side-all = All
plan-side-none = Nothing here yet.
plan-side-later = Later ones

## Refusals: what the API says and pages show, with the field they name.
## A plan state in a sentence.
plan-state-word-idea = idea
plan-state-word-proposal = proposal
plan-state-word-adopted = adopted
plan-state-word-rejected = rejected
plan-state-word-in_progress = in progress
plan-state-word-done = done
plan-state-word-withdrawn = withdrawn

error-access-denied = access denied
error-access-token-invalid = the access token is invalid
error-account-cannot-followed = this account cannot be followed
error-account-disabled = this account is disabled
error-account-suspended = this account is suspended
error-account-waiting-approval = this account is waiting for approval
error-account-was-deleted = the account was deleted
error-action-not-allowed = this action is not allowed
error-action-outside-authorized-scopes-needs = this action is outside the authorized scopes (needs { $scope })
error-active-members-group-moderate = only active members of the group can moderate it
error-actor-changed-while-storing = actor changed while storing
error-actor-update-itself = an actor can only update itself
error-administrators-are-not-moderated-take-role = administrators are not moderated; take the role away first
error-administrators-only = administrators only
error-advice-asked-plan-askers-own-instance = advice is asked on a plan of the asker's own instance
error-advice-not-asked-anyone-here = the advice is not asked of anyone here
error-advice-was-already-given = this advice was already given
error-advisor-asked-answer = only the advisor asked can answer
error-already-boosted = already boosted
error-already-editor-plan = already an editor of this plan
error-already-following = already following
error-already-invited-invitation-awaits-answer = already invited; the invitation awaits an answer
error-already-member = already a member
error-already-owner = already an owner
error-already-owner-plan = already an owner of this plan
error-already-taking-part = already taking part
error-apps-rate-limited = too many apps registered from this address; try again later
error-at-least-one-redirect-uri-required = at least one redirect URI is required
error-at-most-attachments = at most { $max } attachments
error-at-most-characters = at most { $max } characters
error-at-most-themes = at most { $max } themes
error-author-change-status = only the author can change a status
error-author-delete-status = only the author can delete a status
error-boost-cannot-edited = a boost cannot be edited
error-cannot-before-starts-at = cannot be before starts_at
error-cannot-combined-with-media = cannot be combined with media
error-cannot-negative = cannot be negative
error-cant-blank = can't be blank
error-choose-nl-en = choose nl or en
error-choose-one-polls-options = choose one of the poll's options
error-choose-option = choose an option
error-choose-pro-contra-comments = choose pro, contra or comments
error-decision-needs-reason = a decision needs its reason (note)
error-disabled-cannot-own-group = { $name } is disabled and cannot own a group
error-done-needs-results = a finished plan needs its results (note)
error-email-in-use = the email address { $email } is already in use
error-event-cancelled = the event is cancelled
error-event-full = the event is full
error-event-needs-name-starts-at = an event needs a name and starts_at
error-federation = { $detail }
error-file-too-large = file is too large ({ $size } bytes, at most { $max })
error-form-has-expired-came-from-another = the form has expired or came from another site; reload the page and try again
error-form-too-large = the form is too large
error-geometry-kind = only GeoJSON Point and Polygon are supported
error-geometry-point = a Point needs [longitude, latitude]
error-geometry-polygon-ring-count = a Polygon needs 1 to 100 rings
error-geometry-polygon-rings = a Polygon needs rings of positions
error-geometry-ring-closed = a ring must end where it starts
error-geometry-ring-list = a ring is a list of positions
error-geometry-ring-size = a ring needs 4 to 10000 [longitude, latitude] positions
error-group-does-not-own-plan = the group "{ $group }" does not own this plan
error-group-takes-members-by-invitation = this group takes members by invitation only
error-groups-owner-administrator-appoints-moderators = only the group's owner or an administrator appoints its moderators
error-groups-owner-moderates-already = the group's owner moderates it already
error-groups-owners-moderators-do = only the group's owners and moderators may do this
error-image-damaged-incomplete = the image is damaged or incomplete
error-instance-cannot-block-itself = this instance cannot block itself
error-instances-own-actor-moderated-with-domain = an instance's own actor is moderated with a domain block
error-invitation-already = this invitation was already { $state }
error-invitations-plan-come-from-plans-own = invitations to a plan come from the plan's own instance
error-invited-actor-answer-invitation = only the invited actor can answer an invitation
error-invited-actor-not-here = the invited actor is not here
error-keys-owner-another-host = the key's owner is on another host
error-latitude-longitude-out-range = latitude or longitude out of range
error-line = line { $line }: { $why }
error-logins-for-account = too many failed logins for this account; try again in { $wait } seconds
error-logins-from-address = too many failed logins from this address; try again in 15 minutes
error-media-not-yours-already-used = media { $raw } is not yours or already used
error-members-group-start-plan = only members of a group may start a plan for it
error-method-requires-authenticated-user = this method requires an authenticated user
error-media-not-shown = media of that server are not shown here
error-missing = not found
error-moderators-owning-group-invite-co-owners = only the moderators of an owning group invite co-owners for it
error-more-people-take-part-than-new = more people take part than the new capacity
error-must-1-200-characters = must be 1 to 200 characters
error-must-amount-in-euros-such-as = must be an amount in euros, such as 1250.50
error-must-at-least-1 = must be at least 1
error-must-currency-cost-estimate = must be the currency of the cost estimate
error-must-date-time = must be a date and a time
error-must-iso-4217-code-such-as = must be an ISO 4217 code such as EUR
error-must-not-contain-name = must not contain the name
error-must-number-seconds = must be a number of seconds
error-must-positive-conditions-negative = must be positive, conditions or negative
error-must-rfc-3339-time = must be an RFC 3339 time
error-must-silence-suspend-noop = must be silence, suspend or noop
error-must-spam-legal-violation-other = must be spam, legal, violation or other
error-must-whole-number = must be a whole number
error-name-taken = the name { $username } is taken
error-no-group-here-called = no group here is called "{ $group }"
error-no-one-here-called = no one here is called "{ $name }"
error-no-one-known-by-handle = no one is known by this handle
error-no-such-account = no such account
error-no-such-account-here = no such account here
error-no-such-action = no such action
error-no-such-actor = no such actor
error-no-such-advice = no such advice
error-no-such-advice-request = no such advice request
error-no-such-editor = no such editor
error-no-such-event = no such event
error-no-such-event-here = no such event here
error-no-such-invitation = no such invitation
error-no-such-local-actor = no such local actor
error-no-such-organiser = no such organiser
error-no-such-plan = no such plan
error-no-such-poll = no such poll
error-no-such-report = no such report
error-no-such-request-join = no such request to join
error-not-a-state = "{ $state }" is not a state
error-not-a-state-of = "{ $state }" is not a state ({ $states })
error-not-blocked = { $domain } is not blocked
error-not-domain = "{ $raw }" is not a domain
error-not-email-address = "{ $raw }" is not an email address
error-not-iana-time-zone-such-as = "{ $tz }" is not an IANA time zone such as Europe/Amsterdam
error-not-id = is not an id
error-not-known-time-zone = is not a known time zone
error-not-media-id = "{ $raw }" is not a media id
error-not-open-resolved = "{ $other }" is not open or resolved
error-not-option-number = "{ $c }" is not an option number
error-not-option-poll = not an option of this poll
error-not-role = "{ $role }" is not a role
error-not-stance-pro-contra = "{ $other }" is not a stance (pro or contra)
error-not-theme-letters-digits = "{ $t }" is not a theme (letters, digits and _ only)
error-not-visibility = "{ $other }" is not a visibility
error-not-your-password = is not your password
error-organiser-answers-join = only the organiser answers a Join
error-organiser-cancel-event = only the organiser may cancel an event
error-organiser-change-event = only the organiser may change an event
error-people-groups-own-plan = only people and groups can own a plan
error-people-who-are-members-group-here = only people who are members of the group here can edit for it
error-plan-cannot-be-edited = a plan that is { $state } cannot be edited
error-plan-gone = the plan is gone
error-plan-lives-another-instance-ask-from = this plan lives on another instance: ask from there
error-plan-lives-another-instance-change-there = this plan lives on another instance: change it there
error-plan-lives-another-instance-invite-from = this plan lives on another instance: invite from there
error-plan-no-such-step = a plan cannot go from { $from } to { $to }
error-plan-step-not-yours = only { $who ->
        [owners] the plan's owners
       *[deciders] the neighbourhood's moderators and administrators who do not own the plan
    } may move a plan from { $from } to { $to }
error-plans-owners-ask-advice = only the plan's owners may ask for advice on it
error-plans-owners-ask-advice-2 = only the plan's owners may ask for advice
error-plans-owners-change = only the plan's owners may change it
error-plans-owners-edit = only the plan's owners may edit it
error-plans-owners-invite-co-owners = only the plan's owners may invite co-owners
error-plans-owners-invite-co-owners-2 = only a plan's owners may invite co-owners
error-plans-owners-link-event = only the plan's owners may link an event to it
error-plans-owners-see-invitations = only the plan's owners see its invitations
error-plans-owners-start-poll = only the plan's owners may start a poll on it
error-poll-allows-one-choice = this poll allows one choice
error-poll-expires-in = expires_in must be { $min } to { $max } seconds
error-poll-has-ended = the poll has ended
error-poll-needs-at-least-2-options = a poll needs at least 2 options
error-poll-not-visible-sender = the poll is not visible to the sender
error-poll-option-length = options must be 1 to { $max } characters
error-poll-options-count = needs 2 to { $max } options
error-progress-needs-text = a progress report needs its text (note)
error-progress-not-now = a progress report cannot be given on a plan that is { $from }
error-progress-owners-only = only the plan's owners report its progress
error-public-statuses-sender-see-announced = only public statuses the sender may see can be announced
error-public-unlisted-statuses-boosted = only public and unlisted statuses can be boosted
error-record-not-found = Record not found
error-redirect-fragment = "{ $uri }" must not have a fragment
error-redirect-http = "{ $uri }" uses http, allowed only on a loopback address; use https
error-redirect-no-host = "{ $uri }" has no host
error-redirect-not-uri = "{ $uri }" is not a URI
error-redirect-scheme = "{ $uri }" uses a scheme that is not for redirects
error-report-came-from-was-sent-accounts = this report came from, or was sent to, the account's instance
error-reported-account-gone = the reported account is gone
error-reported-account-here-there-nobody-forward = the reported account is here: there is nobody to forward to
error-request-body-too-large = request body too large
error-required = is required
error-scheduled-statuses-are-not-supported = scheduled statuses are not supported
error-search-limits = search with at most { $chars } characters and { $words } words
error-sign-in-first = sign in first
error-sign-ins-busy = too many sign-ins at once; try again in a moment
error-sign-ups-rate-limited = too many sign-ups from this address; try again later
error-status-not-by-reported-account = status { $id } is not by the reported account
error-status-not-visible-sender = the status is not visible to the sender
error-there-no-group-named-here = there is no group named "{ $name }" here
error-there-no-local-person-named = there is no local person named "{ $name }"
error-too-easy-guess-use-at-least = too easy to guess (use at least 5 different characters)
error-too-long = too long (at most { $max } characters)
error-too-long-count = is too long ({ $count } characters, at most { $max })
error-too-short = too short ({ $len } characters, at least { $min })
error-unexpected-file = unexpected file
error-unknown-scope = unknown scope "{ $s }"
error-unsupported-file-type-upload-png-jpeg = unsupported file type: upload a PNG, JPEG, GIF or WebP image
error-upload-too-large = upload too large
error-username-characters = "{ $name }" may only contain lowercase letters a-z, digits and underscores
error-username-empty = must not be empty
error-username-too-long = too long ({ $len } characters, at most { $max })
error-was-already-deleted = { $name } was already deleted
error-wrong-name-password = wrong name or password
error-you-cannot-block-yourself = you cannot block yourself
error-you-cannot-follow-yourself = you cannot follow yourself
error-you-cannot-invite-yourself = you cannot invite yourself
error-you-cannot-moderate-yourself = you cannot moderate yourself
error-you-cannot-mute-yourself = you cannot mute yourself
error-you-cannot-report-yourself = you cannot report yourself
error-you-have-already-voted = you have already voted
# Settings: avatar and header images
settings-avatar = Avatar
settings-avatar-current = Your avatar now
settings-header = Header image
settings-header-current = Your header image now
settings-images-hint = A PNG, JPEG, GIF or WebP image. Leave empty to keep the one you have.

# Search and the people list, a page at a time
search-more-people = All people found, newest first
search-more-groups = All groups found, newest first
search-more-plans = All plans found, newest first
search-more-events = All events found, newest first
search-more-posts = All posts found, newest first
search-later = Older results
admin-users-later = More people
