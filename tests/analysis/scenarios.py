"""Small scenarios with known answers for sensitivity and search."""

ONE = """
scenario: {id: one, title: One way, start: 1900-01-01, end: 1900-12-31}
variables:
  alive: {type: bool, initial: true, label: Alive}
  guards: {type: number, min: 0, max: 100, initial: 50, label: Guards}
events:
  - id: parade
    title: A parade
    on: 1900-03-01
    effects: [{add: {guards: 1}}]
  - id: attack
    title: The attack
    on: 1900-06-01
    when: alive
    effects: [{set: {alive: false}}]
"""

TWO = """
scenario: {id: two, title: Two attempts, start: 1900-01-01, end: 1900-12-31}
variables:
  alive: {type: bool, initial: true, label: Alive}
events:
  - id: first_attempt
    title: The first attempt
    on: 1900-03-01
    when: alive
    effects: [{set: {alive: false}}]
  - id: second_attempt
    title: The second attempt
    on: 1900-06-01
    when: alive
    effects: [{set: {alive: false}}]
"""

COIN = """
scenario: {id: coin, title: A coin decides, start: 1900-01-01, end: 1900-12-31}
variables:
  alive: {type: bool, initial: true, label: Alive}
  wealth: {type: number, min: 0, max: 100, initial: 10, label: Wealth}
events:
  - id: attack
    title: The attack
    on: 1900-06-01
    when: alive
    chance: 0.5
    effects: [{set: {alive: false}}]
  - id: harvest
    title: The harvest
    on: 1900-09-01
    when: alive
    effects: [{add: {wealth: 30}}]
"""
