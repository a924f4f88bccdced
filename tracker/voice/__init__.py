"""Citizens' voice: questions, comments, complaints and photos on public projects, confirmed by e-mail,
moderated, and answered in public by the project's planners within a due date."""
