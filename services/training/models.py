"""Training's tables: leader candidates (their protected identity number and phone, their
project), every step of their path (their public notice and its objections are the tables of
kit.public_notice), and an approved leader's file (households they lead, policies received);
training institutions, their courses, the trainees enrolled on them and the outcomes followed
up after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, LargeBinary, String, Text
from sqlmodel import Field, SQLModel


class Candidate(SQLModel, table=True):
    """A leader candidate (致富带头人候选人); once approved, a leader and their file (一人一档)."""

    __tablename__ = "leader_candidates"
    __table_args__ = (Index("ix_leader_candidates_village_status", "village_code", "status"),)
    id: str = Field(primary_key=True)
    user_id: str = Field(default="", index=True)
    nominated_by: str = ""
    name: str
    id_number_cipher: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    id_number_index: bytes = Field(sa_column=Column(LargeBinary, nullable=False, index=True))
    id_number_masked: str
    phone_cipher: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    phone_masked: str = ""
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    village_name: str = ""
    leader_type: str
    project: str = Field(sa_column=Column(Text, nullable=False))
    scale: str = ""
    years_in_business: int = 0
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    annual_revenue_yuan: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    status: str
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class CandidateStep(SQLModel, table=True):
    """One step of a candidate's path: who, when, what it became, and their note."""

    __tablename__ = "leader_candidate_steps"
    candidate_id: str = Field(foreign_key="leader_candidates.id", primary_key=True)
    seq: int = Field(primary_key=True)
    action: str
    status: str
    actor_id: str
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class LedHousehold(SQLModel, table=True):
    """A registry household an approved leader helps lift, and how (带动方式)."""

    __tablename__ = "leader_households"
    candidate_id: str = Field(foreign_key="leader_candidates.id", primary_key=True)
    household_id: str = Field(primary_key=True)
    village_code: str = Field(sa_column=Column(String(12), nullable=False))
    how: str
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    added_by: str
    added_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class LeaderPolicy(SQLModel, table=True):
    """A policy an approved leader received (recording it again replaces its amount)."""

    __tablename__ = "leader_policies"
    candidate_id: str = Field(foreign_key="leader_candidates.id", primary_key=True)
    name: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    amount_yuan: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    department: str = ""


class Institution(SQLModel, table=True):
    """A training institution (培训机构): its application and the county's screening."""

    __tablename__ = "training_institutions"
    __table_args__ = (Index("ix_training_institutions_county_status", "county_code", "status"),)
    id: str = Field(primary_key=True)
    owner_user_id: str = Field(unique=True)
    name: str
    county_code: str = Field(sa_column=Column(String(12), nullable=False))
    contact: str = ""
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    screened_by: str = ""
    version: int = 1
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Course(SQLModel, table=True):
    """A course an approved institution publishes; `enrolled` counts the seats taken."""

    __tablename__ = "training_courses"
    id: str = Field(primary_key=True)
    institution_id: str = Field(foreign_key="training_institutions.id", index=True)
    county_code: str = Field(sa_column=Column(String(12), nullable=False, index=True))
    title: str
    category: str
    mode: str
    starts_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    ends_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    capacity: int
    enrolled: int = 0
    joined: int = 0  # every enrolment ever made: the order of the waiting list
    region_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class Enrolment(SQLModel, table=True):
    """A trainee on a course (a seat, or a place on the waiting list), their attendance by
    session date, the institution's certificate and their one rating."""

    __tablename__ = "training_enrolments"
    __table_args__ = (Index("ix_training_enrolments_course_status", "course_id", "status", "seq"),)
    id: str = Field(primary_key=True)
    course_id: str = Field(foreign_key="training_courses.id")
    seq: int
    user_id: str = Field(default="", index=True)
    household_id: str = Field(default="", index=True)
    trainee_name: str = ""
    trainee_role: str
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    enrolled_by: str
    status: str
    attended_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    course_rating: int = 0
    institution_rating: int = 0
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    enrolled_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    completed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True)))
    certified_by: str = ""


class FollowUp(SQLModel, table=True):
    """An outcome after training an officer recorded for a trainee (学员档案的跟踪回访)."""

    __tablename__ = "training_follow_ups"
    __table_args__ = (
        Index("ix_training_follow_ups_trainee", "user_id", "household_id", "trainee_name"),
    )
    id: str = Field(primary_key=True)
    user_id: str = ""
    household_id: str = ""
    trainee_name: str = ""
    region_code: str = Field(sa_column=Column(String(12), nullable=False))
    kind: str
    happened_on: str
    details: str = Field(sa_column=Column(Text, nullable=False))
    amount_yuan: int | None = Field(default=None, sa_column=Column(BigInteger))
    recorded_by: str
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
