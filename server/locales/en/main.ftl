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
